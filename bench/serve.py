"""App cold start and server memory, against a one-chart Streamlit app started the same way.

Each repeat starts a fresh `streamlit run` process and a fresh browser context (empty cache), and measures from
process start: (1) until /_stcore/health answers ok; (2) until the first page is shown (RNN Lens: the home
page's title; the baseline: its chart); (3) until the first page's chart is drawn in Chromium (RNN Lens: the home
page's chart of the pair of reviews; the baseline: its one chart); (4) RNN Lens only: the browser then follows the
sidebar link to Word by word, as a visitor does, until that page is done (its charts drawn). Then the session visits the other pages (full
mode) and the server's peak resident memory (VmHWM in /proc) is read: one server process, one session.
The browser is launched once beforehand; its launch time is reported on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .browser import CHROMIUM, CHROMIUM_ARGS, free_port, stop_server
from .timing import ROOT, stats

BASELINE_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("Baseline")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
"""
OTHER_PAGES = ("Inside one step", "Vanishing gradients", "Sigmoid vs softmax")
CHART = "[data-testid=stMain] [data-testid=stPlotlyChart] .main-svg"
JS_CHART_OR_ERROR = """(chart) => !!document.querySelector(chart) || !!document.querySelector('[data-testid=stException]')"""
# The page is done: the script has stopped, its title is shown and every chart on it is drawn.
JS_DONE = """(title) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (document.querySelector('[data-testid=stException]')) return true;
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid=stMain] h1');
  if (!h1 || !h1.innerText.startsWith(title) || document.querySelector('[data-stale=true]')) return false;
  const charts = document.querySelectorAll('[data-testid=stMain] [data-testid=stPlotlyChart]');
  return document.querySelectorAll('[data-testid=stMain] [data-testid=stPlotlyChart] .main-svg').length >= charts.length;
}"""


def _no_exception(page, app_file: Path) -> None:
    shown = page.get_by_test_id("stException")
    if shown.count():
        raise RuntimeError(f"{app_file.name} showed an exception in the browser: {shown.first.inner_text()[:300]}")


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start(app_file: Path, port: int) -> tuple[subprocess.Popen, float, float]:
    """Start the server; returns it, the process start time and seconds until health answered ok."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_file), "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=app_file.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - t0 < 120:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, t0, time.perf_counter() - t0
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}") from None
            time.sleep(0.02)
    stop_server(proc)
    raise RuntimeError("streamlit did not answer its health check within 120 s")


def _one_start(browser, app_file: Path, first_page: str | None, visit: tuple[str, ...], reading: float = 0.0) -> dict:
    port = free_port()
    proc, t0, health = _start(app_file, port)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        idle_mb = _status_mb(proc.pid, "VmRSS")
        page.goto(f"http://127.0.0.1:{port}/")
        nav = page.get_by_test_id("stSidebarNav")
        if first_page:
            # Wait for the home page's title: until app.py's first run ends, a fresh server's sidebar lists every
            # file in pages/ (Streamlit's folder mode), and following that "word by word" link fails.
            page.get_by_test_id("stMain").get_by_role("heading", name="RNN Lens").wait_for(timeout=120_000)
            home = time.perf_counter() - t0
        page.wait_for_function(JS_CHART_OR_ERROR, arg=CHART, timeout=120_000, polling=20)
        home_chart = first_chart = time.perf_counter() - t0
        if not first_page:
            home = home_chart  # the baseline's first page is its chart
        _no_exception(page, app_file)
        clicks = {}
        if first_page:
            time.sleep(reading)  # a visitor reading the home page before following the link
            clicked = time.perf_counter()
            nav.get_by_role("link", name=first_page).click()
            page.wait_for_function(JS_DONE, arg=first_page, timeout=120_000, polling=20)
            first_chart = time.perf_counter() - t0
            clicks["click_to_done"] = time.perf_counter() - clicked
            _no_exception(page, app_file)
        for title in visit:
            nav.get_by_role("link", name=title).click()
            page.wait_for_function(JS_DONE, arg=title, timeout=120_000, polling=50)
            _no_exception(page, app_file)
        peak_mb = _status_mb(proc.pid, "VmHWM")
    finally:
        context.close()
        stop_server(proc)
    return {"health": health, "home": home, "home_chart": home_chart, "first_chart": first_chart,
            **clicks, "idle_rss_mb": idle_mb, "peak_rss_mb": peak_mb}  # fmt: skip


def cold_start(repeats: int, all_pages: bool) -> dict:
    """Cold start and peak memory of RNN Lens and of the one-chart baseline app, interleaved."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    visit = OTHER_PAGES if all_pages else ()
    runs: dict[str, list[dict]] = {"app": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        baseline_file = Path(tmp) / "baseline_app.py"
        baseline_file.write_text(BASELINE_APP)
        t0 = time.perf_counter()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        launch = time.perf_counter() - t0
        try:
            for _ in range(repeats):
                runs["baseline"].append(_one_start(browser, baseline_file, None, ()))
                runs["app"].append(_one_start(browser, ROOT / "app.py", "Word by word", visit))
        finally:
            browser.close()
    out: dict = {"browser_launch_seconds": launch, "pages_visited": ["Why sequences?", "Word by word", *visit]}
    for name, rs in runs.items():
        out[name] = {key: stats([r[key] for r in rs]) for key in rs[0]}
    keys = ("health", "home", "home_chart", "first_chart", "peak_rss_mb")
    out["ratio"] = {key: stats([a[key] / b[key] for a, b in zip(runs["app"], runs["baseline"])]) for key in keys}
    return out


def cold_start_against(before: Path, repeats: int, reading: float = 0.0) -> dict:
    """Cold start of this checkout's app against another checkout's (``before``: a folder holding app.py), interleaved
    in one run: process start to health, to the home page, to its chart and to Word by word done; ratios after/before."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict]] = {"before": [], "after": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(repeats):
                runs["before"].append(_one_start(browser, before / "app.py", "Word by word", (), reading))
                runs["after"].append(_one_start(browser, ROOT / "app.py", "Word by word", (), reading))
        finally:
            browser.close()
    keys = ("health", "home", "home_chart", "first_chart", "click_to_done", "idle_rss_mb", "peak_rss_mb")
    out: dict = {name: {key: stats([r[key] for r in rs]) for key in keys} for name, rs in runs.items()}
    out["ratio"] = {key: stats([a[key] / b[key] for a, b in zip(runs["after"], runs["before"])]) for key in keys}
    return out


def main() -> None:
    import argparse
    import json

    from .timing import ms, table, times_x

    parser = argparse.ArgumentParser(description="Cold start of this checkout against another (e.g. the commit before a change).")
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the app to compare with (folder with app.py)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--read", type=float, default=0.0, help="seconds on the home page, after its chart, before the click")
    args = parser.parse_args()
    res = cold_start_against(args.before.resolve(), args.repeats, args.read)
    rows = [[key, ms(res["before"][key]) if "mb" not in key else f"{res['before'][key]['median']:.0f} MB",
             ms(res["after"][key]) if "mb" not in key else f"{res['after'][key]['median']:.0f} MB", times_x(res["ratio"][key])]
            for key in res["ratio"]]  # fmt: skip
    print(
        table(
            f"Cold start, {args.repeats} interleaved repeats (median [min-max])",
            ["from process start to", "before", "after", "after/before"],
            rows,
        )
    )
    print(json.dumps(res))


if __name__ == "__main__":
    main()
