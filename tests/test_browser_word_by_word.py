"""Word by word in a real browser: the view fits a 1280x800 laptop and a 1920x1080 projector, no two axis labels
overlap, the player steps with the keyboard, and the compare view shows two reviews' real numbers. The time per word
is recorded, not asserted: `python -m bench.player` measures it.

Screenshots land in artifacts/screenshots/wbw_*.png for a person to look at; frame times in
artifacts/word_by_word_frames.json (the README's performance section quotes them).
"""

from __future__ import annotations

import json
import os
import statistics

import numpy as np
import pytest

from bench.browser import ARTIFACTS, CHROMIUM
from bench.player import open_word_by_word, review, step_times, wait_for_player, wait_for_rest
from rnn_core import load_model, trace
from tests.browser_session import watched_page

# Without Chromium the tests are skipped, except in CI, which installs it: there its absence fails them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) or os.environ.get("CI")), reason="needs Debian's chromium"),
]

SCREENS = {"laptop": (1280, 800), "projector": (1920, 1080)}


# The union of the player and both charts, and every axis label and cell label as a box (viewport pixels).
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const parts = ['.st-key-word_player', '.st-key-wbw_network .js-plotly-plot', '.st-key-wbw_answers .js-plotly-plot']
    .map((s) => box(document.querySelector(s)));
  const view = {l: Math.min(...parts.map((p) => p.l)), t: Math.min(...parts.map((p) => p.t)),
                r: Math.max(...parts.map((p) => p.r)), b: Math.max(...parts.map((p) => p.b))};
  const labels = [];
  for (const key of ['wbw_network', 'wbw_answers']) {
    const chart = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    for (const e of chart.querySelectorAll('g.xtick text, g.ytick text, g.textpoint text')) {
      const b = box(e);
      if (b.r - b.l > 0.5 && e.textContent.trim()) labels.push({...b, text: e.textContent, chart: key});
    }
  }
  return {view, labels, header: box(document.querySelector('[data-testid=stHeader]')).b,
          width: innerWidth, height: innerHeight};
}"""


def overlaps(labels: list[dict], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of labels (in the same chart) whose boxes overlap by more than ``slack`` pixels each way."""
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if (
                a["chart"] == b["chart"]
                and min(a["r"], b["r"]) - max(a["l"], b["l"]) > slack
                and min(a["b"], b["b"]) - max(a["t"], b["t"]) > slack
            ):
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture
def app(browser, base_url):
    """(Chromium, the app's URL): this module's browser and the server the browser tests share."""
    return browser, base_url


def show_player_at_top(page) -> None:
    """Scroll so the player sits just below Streamlit's top bar: the view a reader scrolls to."""
    page.evaluate(
        """() => { document.querySelector('.st-key-word_player').scrollIntoView({block: 'start'});
                   document.querySelector('[data-testid=stMain]').scrollBy(0, -70); }"""
    )
    page.wait_for_timeout(300)


def rerun(page) -> str:
    """Make Streamlit run the page again, changing nothing on it; returns JS that counts the runs since."""
    page.evaluate(
        """() => { window.rnnLensRuns = 0; const app = document.querySelector('[data-testid=stApp]');
                   new MutationObserver(() => app.getAttribute('data-test-script-state') === 'running' && window.rnnLensRuns++)
                     .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
                   document.rnnLensPlayer.setStateValue('room', 5000); }"""
    )  # room for charts taller than designed: they keep their heights
    return "() => window.rnnLensRuns"


def set_review(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Review")
    box.fill(text)
    box.press("Control+Enter")
    wait_for_player(page, len(text.split()))


@pytest.mark.parametrize("mode", ["normal", "presenter"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_view_fits_the_screen_and_no_labels_overlap(app, screen, mode):
    browser, base_url = app
    width, height = SCREENS[screen]
    with watched_page(browser, viewport={"width": width, "height": height}) as page:
        open_word_by_word(page, base_url, review(3), mode == "presenter")
        for words in (3, 20, 60):
            if words != 3:
                set_review(page, review(words))
            wait_for_rest(page)  # a short window: the player asks for shorter charts, in one more run
            page.wait_for_timeout(800)
            wait_for_rest(page)
            show_player_at_top(page)
            got = page.evaluate(BOXES)
            view = got["view"]
            page.screenshot(path=str(ARTIFACTS / f"wbw_{width}x{height}_{mode}_{words}w.png"))
            assert view["l"] >= 0 and view["r"] <= got["width"], f"{words} words: {view} wider than {got['width']}"
            assert view["t"] >= got["header"] - 1 and view["b"] <= got["height"] + 1, (
                f"{words} words: {view} taller than the screen"
            )
            assert len(got["labels"]) > 10 and not overlaps(got["labels"]), overlaps(got["labels"])[:5]
        if mode == "presenter":
            assert page.get_by_test_id("stSidebar").bounding_box()["width"] < 50  # collapsed
            assert page.get_by_text("Try an example").is_visible()  # the caption's invitation can be taken


def test_keyboard_steps_plays_and_times_each_word(app):
    browser, base_url = app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with watched_page(browser, viewport={"width": 1920, "height": 1080}) as page:
        open_word_by_word(page, base_url, review(50), presenter=True)
        player = "document.rnnLensPlayer"
        assert page.evaluate(f"() => {player}.t") == 49  # opens on the review fully read
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("Home")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate(f"() => {player}.t") == 2
        page.get_by_role("heading", name="Inside one step: word 3 of 50").wait_for(timeout=30_000)  # one position
        wait_for_rest(page)

        times = step_times(browser, page, 40, lambda pg: pg.keyboard.press("ArrowRight"))
        assert page.evaluate(f"() => {player}.t") == 42
        # Recorded, not asserted: speed is the benchmark's to measure (python -m bench.player), never a timed test.
        frames = {"words": 50, "screen": "1920x1080 presenter", "load_average": os.getloadavg()[0], **times}
        (ARTIFACTS.parent / "word_by_word_frames.json").write_text(json.dumps(frames, indent=1))
        assert len(times["cpu_ms"]) == 40 and all(ms > 0 for ms in times["wall_ms"])  # every step was painted
        print(f"\nper word: CPU median {statistics.median(times['cpu_ms']):.1f} ms, wall median "
              f"{statistics.median(times['wall_ms']):.1f} ms")  # fmt: skip

        speed = page.locator("[data-part=speed]")
        speed.select_option("0.25")
        page.keyboard.press("End")
        page.keyboard.press(" ")  # Play on the last word starts again from word 1
        page.wait_for_timeout(1200)
        playing, t = page.evaluate(f"() => [{player}.playing, {player}.t]")
        assert playing and 2 <= t <= 12, t
        runs = rerun(page)  # playback goes on through a rerun of the page
        page.wait_for_timeout(1200)
        playing, later = page.evaluate(f"() => [{player}.playing, {player}.t]")
        assert playing and later > t and page.evaluate(runs) >= 1
        page.keyboard.press(" ")
        stopped = page.evaluate(f"() => {player}.t")
        page.wait_for_timeout(600)
        assert page.evaluate(f"() => [{player}.playing, {player}.t]") == [False, stopped]
        page.get_by_role("heading", name=f"Inside one step: word {stopped + 1} of 50").wait_for(timeout=30_000)
        page.locator("[data-part=replay]").click()
        page.wait_for_timeout(300)
        assert page.evaluate(f"() => {player}.playing") and page.evaluate(f"() => {player}.t") <= 3
        page.screenshot(path=str(ARTIFACTS / "wbw_playing_presenter.png"))


def test_compare_view_shows_both_reviews_real_numbers(app):
    browser, base_url = app
    with watched_page(browser, viewport={"width": 1280, "height": 800}) as page:
        page.goto(base_url + "/")
        page.get_by_test_id("stMain").get_by_role("heading", name="RNN Lens").wait_for(timeout=60_000)
        page.goto(base_url + "/word_by_word")
        page.get_by_text("Compare two reviews").click()
        chart = page.locator(".stPlotlyChart .js-plotly-plot").first
        chart.wait_for(timeout=60_000)
        wait_for_rest(page)
        second = page.get_by_role("textbox", name="Review B")
        second.fill("the acting is good but the plot is not")
        second.press("Control+Enter")
        page.wait_for_timeout(500)
        wait_for_rest(page)
        assert "review_b=the+acting" in page.url and "compare=true" in page.url  # a link opens both
        a = page.get_by_role("textbox", name="Review A").input_value()
        curves = page.evaluate(
            """() => { const gd = document.querySelector('.stPlotlyChart .js-plotly-plot');
                       return gd._fullData.filter((d) => d.name === "A" || d.name === "B").map((d) => Array.from(d.y)); }"""
        )
        model = load_model("rnn-sst2")
        for text, shown in zip((a, "the acting is good but the plot is not"), curves):
            np.testing.assert_allclose(shown, trace(model, text).probs[:, -1], atol=1e-6)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["height"] <= 800 - 60 and box["x"] + box["width"] <= 1280
        page.screenshot(path=str(ARTIFACTS / "wbw_compare_1280x800.png"))
