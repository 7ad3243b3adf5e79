"""The main journeys in a real browser: headless Debian Chromium driven by Playwright.

Screenshots land in artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest

from bench.browser import ARTIFACTS, free_port, is_harmless, start_server, stop_server
from bench.player import wait_for_player
from tests.browser_session import require_chromium, settle

pytestmark = pytest.mark.browser

require_chromium()
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 2000})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: m.type == "error" and not is_harmless(m.text) and problems.append(m.text))
    pg.on("pageerror", lambda e: problems.append(str(e)))
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.problems, pg.dialogs = problems, dialogs
    yield pg
    context.close()
    assert not problems, f"console errors: {problems}"
    assert not dialogs, f"a dialog opened (user text executed?): {dialogs}"


def shot(pg, name: str, full_page: bool = False) -> None:
    """A screenshot once the run has finished and the charts are drawn (not of placeholders)."""
    settle(pg)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def open_page(pg, base_url: str, title: str) -> None:
    """Open the home page (never a page URL first), then follow the sidebar link."""
    pg.goto(base_url + "/")
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    pg.get_by_test_id("stMain").get_by_role("heading", name=title).wait_for(timeout=30_000)


def set_review(pg, text: str) -> None:
    box = pg.get_by_role("textbox", name="Review")
    box.fill(text)
    box.press("Control+Enter")
    pg.wait_for_timeout(300)
    pg.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=30_000)


def test_home_page(page, base_url):
    page.goto(base_url + "/")
    page.get_by_test_id("stMain").get_by_role("heading", name="RNN Lens").wait_for(timeout=30_000)
    shot(page, "home")
    assert page.get_by_test_id("stException").count() == 0
    tour = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
    assert tour.count() == 7


def test_word_by_word_play_to_the_end_and_switch_model(page, base_url):
    open_page(page, base_url, "Word by word")
    set_review(page, "the start was slow but the ending was wonderful")
    n_words = 9
    wait_for_player(page, n_words)  # the player (ui/player.js) holds the new review and both charts are drawn
    shot(page, "word_by_word_start")
    page.locator("[data-part=play]").click()  # Play on the last word reads it again
    page.wait_for_function("document.rnnLensPlayer?.playing === true", timeout=30_000)
    page.wait_for_function(
        f"document.rnnLensPlayer?.playing === false && document.rnnLensPlayer?.t === {n_words - 1}", timeout=30_000
    )
    page.wait_for_timeout(1000)  # the rerun that brings the step panel to the last word
    shot(page, "word_by_word_end")
    assert "review=the+start" in page.url or "review=the%20start" in page.url
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option").filter(has_text="gru-sst2").click()
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=30_000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    shot(page, "word_by_word_gru")
    assert page.get_by_test_id("stException").count() == 0


MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def type_markup(pg, title: str) -> None:
    """Type each piece of markup as the review: it must come back as text, never run or render."""
    main = pg.get_by_test_id("stMain")
    if title == "Sigmoid vs softmax":
        main.get_by_text("The shared review").click()
    for text in MARKUP:
        set_review(pg, text + " great")
        settle(pg)
        pg.wait_for_timeout(500)  # an onerror handler would fire about now
        assert pg.get_by_role("textbox", name="Review").input_value() == text + " great"
        assert main.locator("img[src=x], img[src='x']").count() == 0
        assert pg.evaluate("() => [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length") == 0
        assert main.get_by_test_id("stException").count() == 0
        assert pg.dialogs == [], pg.dialogs
    shot(pg, "markup_" + title.lower().replace(" ", "_"))


@pytest.mark.parametrize("title", ["Inside one step", "Vanishing gradients", "Sigmoid vs softmax"])
def test_each_page_in_both_modes_then_markup_as_text(page, base_url, title):
    """The page's default view, normal then presenter mode (screenshots of both), then markup typed as the review."""
    open_page(page, base_url, title)
    name = title.lower().replace(" ", "_")
    for presenter in (False, True):
        if presenter:
            page.get_by_test_id("stSidebar").get_by_text("Presenter mode").click()
        shot(page, name + ("_presenter" if presenter else ""), full_page=True)
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_test_id("stMain").locator(".js-plotly-plot").count() >= 2
    type_markup(page, title)


def test_word_by_word_presenter_mode_and_markup_as_text(page, base_url):
    open_page(page, base_url, "Word by word")
    page.get_by_test_id("stSidebar").get_by_text("Presenter mode").click()
    set_review(page, "<img src=x onerror=alert(1)> <script>alert(2)</script> great")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    shot(page, "word_by_word_presenter_markup")
    assert page.locator("img[src=x]").count() == 0
    type_markup(page, "Word by word")


def test_shared_link_as_the_first_visit_of_a_fresh_server(browser):
    """A class opening /word_by_word?review=... on a just-started server gets the router and its sidebar, and odd
    query parameters are shrugged off."""
    port = free_port()
    proc = start_server(port)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        pg = context.new_page()
        problems: list[str] = []
        pg.on("console", lambda m: m.type == "error" and not is_harmless(m.text) and problems.append(m.text))
        pg.on("pageerror", lambda e: problems.append(str(e)))
        pg.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
        query = "review=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+not+bad&model=no-such-model&presenter=banana&x=%ZZ%E0%A4"
        pg.goto(f"http://127.0.0.1:{port}/word_by_word?{query}")
        pg.get_by_test_id("stMain").get_by_role("heading", name="Word by word").wait_for(timeout=60_000)
        settle(pg)
        # the router's menu, not the pages/ folder (whose menu would list "app" and the file names)
        nav = pg.get_by_test_id("stSidebarNav")
        nav.get_by_text("Vanishing gradients").wait_for(timeout=30_000)
        settle(pg)
        assert "word by word" not in nav.inner_text(), nav.inner_text()
        pg.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").wait_for(timeout=10_000)  # the model picker
        assert pg.get_by_role("textbox", name="Review").input_value() == "<img src=x onerror=alert(1)> not bad"
        assert pg.get_by_test_id("stException").count() == 0 and pg.locator("img[src=x]").count() == 0
        shot(pg, "shared_link_first_visit")
        context.close()
        assert not problems, problems
    finally:
        stop_server(proc)
