"""Helpers for browser tests (not a test module): the app's server, Chromium, and a page that records console errors
and dialogs, as context managers that a test module's fixtures wrap in a line or two."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, free_port, is_harmless, start_server, stop_server


def require_chromium() -> None:
    """Skip the calling test module without Debian's chromium; on CI, which installs it, its absence fails it."""
    if os.path.exists(CHROMIUM):
        return
    reason = "needs Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        raise RuntimeError(reason)  # CI installs it: its absence there is a failure, not a skip
    pytest.skip(reason, allow_module_level=True)


@contextmanager
def serve() -> Iterator[str]:
    """The app on a free loopback port; yields its base URL."""
    port = free_port()
    proc = start_server(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def watched_page(browser, **context_options) -> Iterator:
    """A page in a new context; ``page.problems`` collects console errors, page errors and dialogs (checked at the end)."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 2000}, **context_options})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and not is_harmless(m.text) and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.problems = problems
    try:
        yield page
    finally:
        context.close()
    assert not problems, f"console errors or dialogs: {problems}"


def settle(pg, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the run and every chart on the page is drawn."""
    pg.wait_for_function(
        """() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'
             && !document.querySelector('[data-stale=true], [data-testid^=stSkeleton], [data-testid=stAppSkeleton]')
             && [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))""",
        timeout=timeout_ms,
        polling=100,
    )
