"""For the lecturer, in a real browser (headless Debian Chromium through Playwright): a chart downloaded as PNG and as
SVG from Plotly's modebar, a page's data as CSV (the trace's numbers), the handout opened with the network off,
a 15,000-character paste, and links by name with Reset.

Screenshots land in artifacts/screenshots/ (export_*.png) for a person to look at.
"""

from __future__ import annotations

import csv
import io
import struct
import urllib.parse

import numpy as np
import pytest

from bench.browser import ARTIFACTS
from rnn_core import load_model, trace
from rnn_core.explain.gradients import review_influence
from rnn_core.lesson import CELL_MODELS, DEFAULT_REVIEW, ONE_STEP_MODELS
from ui.review import MAX_REVIEW_CHARS

from .browser_session import require_chromium, watched_page

pytestmark = pytest.mark.browser

require_chromium()
pytest.importorskip("playwright.sync_api")

REVIEW = "the start was slow but the ending was wonderful"
SETTLED = """() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale=true], [data-testid^=stSkeleton], [data-testid=stAppSkeleton]')
    && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))"""


def settle(pg) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_function(SETTLED, timeout=60_000, polling=100)


def open_page(pg, base_url: str, title: str, query: str = "") -> None:
    """Home first (its first run loads every model), then the page from the sidebar."""
    pg.goto(f"{base_url}/{query}")
    pg.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
    settle(pg)
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    pg.get_by_test_id("stMain").get_by_role("heading", name=title).wait_for(timeout=60_000)
    settle(pg)


def set_review(pg, text: str) -> None:
    box = pg.get_by_role("textbox", name="Review")
    box.fill(text)
    box.press("Control+Enter")
    settle(pg)


def download(pg, click, timeout: float = 60_000):
    with pg.expect_download(timeout=timeout) as info:
        click()
    return info.value


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"export_{name}.png"))


def test_a_chart_downloads_as_png_and_as_svg(browser, base_url, tmp_path):
    with watched_page(browser, accept_downloads=True) as pg:
        open_page(pg, base_url, "Inside one step")
        set_review(pg, REVIEW)
        chart = pg.locator(".st-key-one_step_network")
        chart.hover()
        titles = set(chart.locator(".modebar-btn").evaluate_all("bs => bs.map(b => b.getAttribute('data-title'))"))
        assert "Download plot as a PNG" in titles and titles <= {"Download plot as a PNG", "Reset axes", "Fullscreen"}, titles
        shot(pg, "modebar")
        size = chart.locator(".js-plotly-plot").evaluate("g => [g._fullLayout.width, g._fullLayout.height]")
        png = download(pg, lambda: chart.locator('.modebar-btn[data-title="Download plot as a PNG"]').click())
        assert png.suggested_filename == "rnn-lens_one-step_network_the-start-was-slow-but.png"
        png.save_as(tmp_path / "chart.png")
        data = (tmp_path / "chart.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert list(struct.unpack(">II", data[16:24])) == [2 * size[0], 2 * size[1]]  # scale 2
        assert len(data) > 20_000

        pg.get_by_test_id("stSidebar").get_by_text("SVG", exact=True).click()
        settle(pg)
        chart.hover()
        svg = download(pg, lambda: chart.locator('.modebar-btn[data-title="Download plot"]').click())
        assert svg.suggested_filename == "rnn-lens_one-step_network_the-start-was-slow-but.svg"
        svg.save_as(tmp_path / "chart.svg")
        text = (tmp_path / "chart.svg").read_text(encoding="utf-8")
        assert text.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in text[:500]
        assert "w_hh" in text and "lit: 'the' (i = 3)" in text and len(text) > 10_000  # the chart as shown: word 1


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_data_downloads_hold_the_numbers_on_screen(browser, base_url, tmp_path):
    with watched_page(browser, accept_downloads=True) as pg:
        open_page(pg, base_url, "Inside one step")
        set_review(pg, REVIEW)
        main = pg.get_by_test_id("stMain")
        got = download(pg, lambda: main.get_by_role("button", name="Download data: trace (CSV)").click())
        assert got.suggested_filename == "rnn-lens_one-step_trace_the-start-was-slow-but.csv"
        got.save_as(tmp_path / "trace.csv")
        table = rows(tmp_path / "trace.csv")
        tr = trace(load_model(ONE_STEP_MODELS["one"]), REVIEW)
        assert [r["token"] for r in table] == tr.words and [int(r["index"]) for r in table] == tr.ids
        assert np.array_equal(np.array([[float(r["h_0"])] for r in table], dtype=np.float32), tr.hidden)
        assert np.array_equal(np.array([[float(r["p_positive"])] for r in table], dtype=np.float32), tr.probs)

        pg.get_by_test_id("stSidebarNav").get_by_role("link", name="Vanishing gradients").click()
        main.get_by_role("heading", name="Vanishing gradients").wait_for(timeout=60_000)
        settle(pg)
        set_review(pg, REVIEW)
        got = download(pg, lambda: main.get_by_role("button", name="Download data: influence (CSV)").click())
        got.save_as(tmp_path / "influence.csv")
        table = rows(tmp_path / "influence.csv")
        for label, name in zip(("RNN", "LSTM", "GRU"), CELL_MODELS.values()):
            expected = review_influence(load_model(name), REVIEW)
            assert np.allclose([float(r[f"influence_{label}"]) for r in table], expected, rtol=1e-7, atol=0), label
        got = download(pg, lambda: main.get_by_role("button", name="Download data: state matrix (CSV)").click())
        got.save_as(tmp_path / "state.csv")
        matrix = rows(tmp_path / "state.csv")
        assert len(matrix) == len(table) and matrix[0]["t_1"] == "1" and matrix[0]["t_2"] == ""  # diagonal 1, NaN above


def test_the_handout_renders_offline_with_every_chart(browser, base_url, tmp_path):
    with watched_page(browser, accept_downloads=True) as pg:
        open_page(pg, base_url, "Inside one step")
        set_review(pg, REVIEW + " <script>alert(1)</script>")
        button = pg.get_by_test_id("stSidebar").get_by_role("button", name="Handout (HTML)")
        got = download(pg, button.click, timeout=180_000)
        assert got.suggested_filename.startswith("rnn-lens_handout_the-start-was-slow-but")
        got.save_as(tmp_path / "handout.html")
    html = (tmp_path / "handout.html").read_text(encoding="utf-8")
    charts = html.count('<div class="chart">')
    assert charts >= 9 and "<script>alert(1)" not in html
    requests: list[str] = []

    def only_the_file(route) -> None:
        requests.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    with watched_page(browser, offline=True, viewport={"width": 1280, "height": 3000}) as pg:
        pg.route("**/*", only_the_file)
        pg.goto((tmp_path / "handout.html").as_uri())
        pg.wait_for_function(
            f"[...document.querySelectorAll('.js-plotly-plot')].filter(g => g.querySelector('.main-svg')).length === {charts}",
            timeout=60_000,
        )
        drawn = pg.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(g => g.querySelectorAll('.trace, .hm').length)"
        )  # heatmaps: .hm
        assert len(drawn) == charts and all(n > 0 for n in drawn), drawn
        assert pg.get_by_text("Verdict:").count() == 1 and pg.get_by_text("The model's card").count() == 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "export_handout.png"))
    assert requests == [(tmp_path / "handout.html").as_uri()], requests  # nothing from the network


def test_a_long_paste_keeps_what_fits(browser, base_url):
    with watched_page(browser, permissions=["clipboard-read", "clipboard-write"]) as pg:
        open_page(pg, base_url, "Inside one step")
        text = ("A lovely film with a warm heart and a great cast. " * 400)[:15_000]
        pg.evaluate("t => navigator.clipboard.writeText(t)", text)
        box = pg.get_by_role("textbox", name="Review")
        box.click()
        pg.keyboard.press("Control+A")
        pg.keyboard.press("Delete")
        pg.keyboard.press("Control+V")
        box.press("Control+Enter")
        settle(pg)
        kept = box.input_value()
        assert MAX_REVIEW_CHARS - 200 < len(kept) <= MAX_REVIEW_CHARS and text.startswith(kept)
        main = pg.get_by_test_id("stMain")
        assert main.get_by_text("The text you pasted has 15,000 characters").count() == 1
        assert main.get_by_text("There are no words to read").count() == 0
        shot(pg, "long_paste")


def query(pg) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(pg.url).query))


def test_links_by_name_old_links_and_reset(browser, base_url):
    with watched_page(browser) as pg:
        pg.goto(f"{base_url}/?model=gru-sst2&presenter=1")  # presenter mode folds the sidebar away: stay on the home page
        pg.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
        settle(pg)
        sidebar = pg.get_by_test_id("stSidebar")
        assert sidebar.get_by_text("GRU cell").count() == 1
        assert sidebar.get_by_role("switch", name="Presenter mode").is_checked()
        pg.get_by_test_id("stMain").get_by_role("link", name="Inside one step").click()  # the next run ...
        settle(pg)
        assert query(pg) == {"model": "gru-sst2", "presenter": "true"}  # ... writes ?presenter=1 as Streamlit spells it

        label = urllib.parse.quote("gru-sst2 · GRU, sigmoid · 86%")
        open_page(pg, base_url, "Inside one step", f"?model={label}")
        assert sidebar.get_by_text("GRU cell").count() == 1
        assert query(pg)["model"] == "gru-sst2"  # written again, by name, after the first click

        sidebar.get_by_test_id("stSelectbox").click()
        pg.get_by_role("option", name="lstm-sst2").click()
        settle(pg)
        assert query(pg)["model"] == "lstm-sst2"
        set_review(pg, "not bad at all")
        assert query(pg)["review"] == "not bad at all"
        sidebar.get_by_role("button", name="Reset").click()
        settle(pg)
        assert "model" not in query(pg) and "review" not in query(pg)
        assert pg.get_by_role("textbox", name="Review").input_value() == DEFAULT_REVIEW
        assert sidebar.get_by_text("RNN cell").count() == 1
        shot(pg, "after_reset")
