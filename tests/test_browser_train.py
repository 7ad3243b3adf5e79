"""Train your own in a real browser: the curves grow while it trains, and the trained model reaches the picker."""

from __future__ import annotations

import pytest

from tests.browser_session import settle
from tests.test_browser import page, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


CURVES = (
    "() => { const c = [...document.querySelectorAll('.js-plotly-plot')]"
    ".find(g => (g._fullData || []).some(t => String(t.name).includes('∂loss')));"
    " return c ? c._fullData[0].x.length : 0; }"
)


def progress_reports(pg) -> int:
    """How many points the live curves hold now (0 before the chart is drawn)."""
    return pg.evaluate(CURVES)


def test_live_training_grows_its_curves_and_offers_the_model(page, base_url):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.goto(base_url + "/")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train your own").click()
    main = page.get_by_test_id("stMain")
    main.get_by_role("heading", name="Train your own").wait_for(timeout=30_000)
    settle(page)
    main.get_by_role("radio", name="GRU").check(force=True)
    settle(page)
    main.get_by_role("button", name="Train").click()
    page.wait_for_function(CURVES, timeout=60_000)  # the first report is drawn
    first = progress_reports(page)
    shot(page, "train_start")
    page.wait_for_timeout(4_000)
    middle = progress_reports(page)
    shot(page, "train_middle")
    assert middle > first >= 1  # the curves grow while it trains, without a click
    page.wait_for_function("() => document.body.innerText.includes('now offers')", timeout=120_000)
    shot(page, "train_end")
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    assert page.get_by_role("option", name="yours: GRU").count() == 1
