"""RNN shapes and Text completion in a real browser (headless Debian Chromium via Playwright), with screenshots.

Screenshots land in artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os

import pytest

from bench.browser import ARTIFACTS, CHROMIUM
from rnn_core.lesson import COND_MODEL, LM_MODELS
from rnn_core.model.language import resolve_lm_path

from .browser_session import watched_page

pytestmark = pytest.mark.browser
MISSING = [] if os.path.exists(CHROMIUM) else ["Debian's chromium (apt-get install chromium)"]
MISSING += [f"{name} in assets/lm" for name in (*LM_MODELS.values(), COND_MODEL) if not resolve_lm_path(name).is_file()]
if MISSING and os.environ.get("CI") and not os.path.exists(CHROMIUM):
    raise RuntimeError(MISSING[0])  # CI installs Chromium: its absence there is a failure, not a skip
if MISSING:
    pytest.skip("needs " + ", ".join(MISSING), allow_module_level=True)
pytest.importorskip("playwright.sync_api")


@pytest.fixture
def app(browser, base_url):
    """(base URL, browser): the server the browser tests share and this module's browser."""
    return base_url, browser


@pytest.fixture
def page(app):
    with watched_page(app[1], viewport={"width": 1280, "height": 2400}) as pg:
        yield pg


DRAWN = "[...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))"


def settle(pg) -> None:
    """Wait until Streamlit's status widget is gone (the run is over) and every chart has drawn its SVG."""
    pg.wait_for_timeout(300)
    pg.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=90_000)
    pg.wait_for_function(DRAWN, timeout=90_000, polling=200)


def open_page(pg, base_url: str, title: str) -> None:
    """The home page first (never a page URL), then the sidebar link."""
    pg.goto(base_url + "/")
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    pg.get_by_test_id("stMain").get_by_role("heading", name=title).wait_for(timeout=60_000)
    settle(pg)


def shot(pg, name: str) -> None:
    settle(pg)
    pg.wait_for_timeout(500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_shapes_page_draws_the_four_shapes_and_writes_from_a_label(page, app):
    open_page(page, app[0], "RNN shapes")
    main = page.get_by_test_id("stMain")
    no_translation = main.get_by_text("RNN Lens does not ship a translation model")
    no_translation.wait_for(timeout=60_000)  # a first visit may still be drawing the columns when the charts are drawn
    assert no_translation.count() == 1
    page.wait_for_function("document.querySelectorAll('[data-testid=stMain] .js-plotly-plot').length === 2", timeout=60_000)
    main.get_by_text("positive", exact=False).first.wait_for()
    main.get_by_test_id("stRadio").get_by_text("positive").click()
    settle(page)
    assert main.get_by_text("reads it as").count() == 1
    shot(page, "shapes")
    assert main.get_by_test_id("stException").count() == 0


def test_completion_for_each_model(page, app):
    open_page(page, app[0], "Text completion")
    box = page.get_by_role("textbox", name="The beginning of a sentence")
    box.fill("the acting is")
    box.press("Enter")
    settle(page)
    page.get_by_test_id("stButton").get_by_text("Complete").click()
    settle(page)
    main = page.get_by_test_id("stMain")
    for name in LM_MODELS.values():
        main.get_by_text(f"({name})").wait_for(timeout=30_000)
    assert "completed=1" in page.url and "start=the" in page.url
    main.get_by_role("heading", name="2 · Complete the sentence").scroll_into_view_if_needed()
    shot(page, "completion")
    written = main.locator(".st-key-completion_lm-lstm")
    first = written.inner_text()
    assert first.startswith("LSTM (lm-lstm)") and "the acting is " in first and len(first.split()) > 6
    page.reload()  # the link alone writes the same words
    settle(page)
    written.wait_for(timeout=60_000)
    assert written.inner_text() == first
    assert main.get_by_test_id("stException").count() == 0


def test_forgetting_example(page, app):
    open_page(page, app[0], "Text completion")
    heading = page.get_by_test_id("stMain").get_by_role("heading", name="3 · The article's forgetting example, measured")
    heading.scroll_into_view_if_needed()
    settle(page)
    section = page.get_by_test_id("stMain")
    section.screenshot(path=str(ARTIFACTS / "completion_full.png"))
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, 100000)")
    shot(page, "forgetting")
    assert section.locator(".js-plotly-plot").count() >= 5
