"""The Hidden-state explorer in a real browser (headless Debian Chromium through Playwright): the map with two reviews,
the unit atlas and the inspector for the RNN and the LSTM, normal and presenter mode; Play; a click on the atlas.

Screenshots land in artifacts/screenshots/explorer_*.png for a person to look at.
"""

from __future__ import annotations

import pytest

from bench.browser import ARTIFACTS, is_harmless
from tests.browser_session import require_chromium, settle

pytestmark = pytest.mark.browser

require_chromium()
playwright_api = pytest.importorskip("playwright.sync_api")
sync_playwright, PlaywrightTimeout = playwright_api.sync_playwright, playwright_api.TimeoutError

TITLE = "Hidden-state explorer"
SIZES = {False: {"width": 1280, "height": 3600}, True: {"width": 1920, "height": 4400}}  # tall: Streamlit scrolls inside
SECTIONS = {"map": "explorer_map", "atlas": "explorer_atlas", "inspector": "explorer_unit_chart"}


def new_page(browser, presenter: bool = False):
    context = browser.new_context(viewport=SIZES[presenter])
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: m.type == "error" and not is_harmless(m.text) and problems.append(m.text))
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
    return context, pg, problems


def rerun_done(pg) -> None:
    pg.wait_for_timeout(300)
    pg.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    settle(pg)


def open_explorer(pg, base_url: str, model: str, presenter: bool) -> None:
    """Open the home page (never a page URL first), choose the model in the sidebar, follow the link to the page,
    then switch presenter mode on if asked."""
    pg.goto(base_url + "/")
    pg.get_by_test_id("stMain").get_by_role("heading", name="RNN Lens").wait_for(timeout=60_000)
    sidebar = pg.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").click(timeout=60_000)
    pg.get_by_role("option").filter(has_text=model).first.click(timeout=60_000)
    rerun_done(pg)
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=TITLE).click(timeout=60_000)
    pg.get_by_test_id("stMain").get_by_role("heading", name=TITLE).wait_for(timeout=60_000)
    settle(pg)
    if presenter:  # last: presenter mode folds the sidebar away
        sidebar.get_by_text("Presenter mode").click(timeout=60_000)
        rerun_done(pg)


def chart(pg, key: str):
    return pg.locator(f".st-key-{key} .js-plotly-plot")


# Each model once and each screen once: the plain RNN on a laptop, the LSTM (memory cells too) on a projector.
@pytest.mark.parametrize(("model", "presenter"), [("rnn-sst2", False), ("lstm-sst2", True)], ids=["rnn-normal", "lstm-presenter"])
def test_map_with_two_reviews_atlas_and_inspector(browser, base_url, model, presenter):
    context, pg, problems = new_page(browser, presenter)
    open_explorer(pg, base_url, model, presenter)
    assert pg.get_by_role("textbox", name="Review", exact=True).input_value() == "not good , bad"
    assert pg.get_by_role("textbox", name="Second review", exact=True).input_value() == "good , not bad"
    mode = "_presenter" if presenter else ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"explorer_{model}{mode}.png"))
    for section, key in SECTIONS.items():
        chart(pg, key).screenshot(path=str(ARTIFACTS / f"explorer_{model}_{section}{mode}.png"))
    names = pg.evaluate(f"() => document.querySelector('.st-key-{SECTIONS['map']} .js-plotly-plot').data.map(d => d.name)")
    assert "not good , bad" in names and "good , not bad" in names
    # Every figure fits the screen's width (1280 laptop, 1920 projector): no horizontal scrolling.
    assert pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= SIZES[presenter]["width"]
    assert pg.get_by_test_id("stException").count() == 0
    context.close()
    assert not problems, problems


def test_play_draws_the_paths_word_by_word(browser, base_url):
    context, pg, problems = new_page(browser)
    open_explorer(pg, base_url, "rnn-sst2", presenter=False)
    the_map = chart(pg, SECTIONS["map"])
    active = f"document.querySelector('.st-key-{SECTIONS['map']} .js-plotly-plot')._fullLayout.sliders[0].active"
    assert pg.evaluate(active) == 3  # the map opens on the whole paths (4 words)
    for attempt in range(3):  # on a busy machine the first click can land before Plotly listens
        the_map.locator("g.updatemenu-button", has_text="Play").click()
        try:
            pg.wait_for_function(f"{active} < 3", timeout=10_000, polling=50)  # Play starts again from the first word
            break
        except PlaywrightTimeout:
            assert attempt < 2, "Play never started the animation"
    the_map.screenshot(path=str(ARTIFACTS / "explorer_map_playing.png"))
    pg.wait_for_function(f"{active} === 3", timeout=30_000)
    context.close()
    assert not problems, problems


def test_a_click_on_the_atlas_inspects_that_unit(browser, base_url):
    context, pg, problems = new_page(browser)
    open_explorer(pg, base_url, "rnn-sst2", presenter=False)
    picker = pg.get_by_test_id("stMain").get_by_test_id("stSelectbox").locator("input")
    before = picker.input_value(timeout=60_000)
    # The middle point of the third small multiple's line, in screen pixels.
    unit, x, y = pg.evaluate(
        f"""() => {{
        const gd = document.querySelector('.st-key-{SECTIONS["atlas"]} .js-plotly-plot');
        const unit = parseInt(gd._fullData.find(d => d.mode === 'text').text[2].split(' ')[1]);
        const mine = gd._fullData.filter(d => d.mode === 'lines+markers')
            .flatMap(d => Array.from(d.x).map((x, i) => [d.customdata[i][0], x, d.y[i]]))
            .filter(p => p[0] === unit && Number.isFinite(p[1]) && Number.isFinite(p[2]));
        const [, px, py] = mine[Math.floor(mine.length / 2)];
        const fl = gd._fullLayout, box = gd.getBoundingClientRect();
        return [unit, box.left + fl.xaxis._offset + fl.xaxis.l2p(px), box.top + fl.yaxis._offset + fl.yaxis.l2p(py)];
    }}"""
    )
    pg.mouse.click(x, y)
    rerun_done(pg)
    after = picker.input_value(timeout=60_000)
    assert f"unit {unit} " in after and after != before, (before, after)
    chart(pg, SECTIONS["atlas"]).screenshot(path=str(ARTIFACTS / "explorer_atlas_clicked.png"))
    context.close()
    assert not problems, problems
