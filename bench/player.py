"""How long the Word-by-word player takes per word in Chromium: wall clock and the page's main-thread CPU time.

Wall clock (from a key press to the next paint after both charts show the word) is what a class sees, and it
grows when other programs share the CPU; the main thread's CPU time per word (from a Chromium trace) is the
player's own cost, whatever else runs. Run: python -m bench.player [--words 50] [--steps 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import urllib.parse

from .browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server

# A review of any length, in words the dictionary knows: it reads like one.
WORDS = (
    "the start was slow but the ending was wonderful and the acting superb , though the middle dragged on for far "
    "too long with scenes that went nowhere and a score that never stopped telling us what to feel ."
).split()
TASKS = ("RunTask", "ThreadControllerImpl::RunTask")  # top-level tasks of a thread in Chromium's trace


def review(words: int) -> str:
    """A review of exactly ``words`` tokens."""
    return " ".join((WORDS * (words // len(WORDS) + 1))[:words])


def open_word_by_word(page, base_url: str, text: str, presenter: bool) -> None:
    """The Word-by-word page on ``text`` (home first, as a class's browser would), once both charts are drawn."""
    page.goto(base_url + "/")
    page.get_by_test_id("stMain").get_by_role("heading", name="RNN Lens").wait_for(timeout=60_000)
    query = {"review": text, **({"presenter": "true"} if presenter else {})}
    page.goto(f"{base_url}/word_by_word?{urllib.parse.urlencode(query)}")
    wait_for_player(page, len(text.split()))


def wait_for_player(page, words: int, timeout: float = 60_000) -> None:
    """Until the player shows the last word of a ``words``-word review and both charts are drawn."""
    page.wait_for_function(
        """(n) => { const p = document.rnnLensPlayer; return p && p.n === n && p.t === n - 1 && p.charts().length === 2
             && document.querySelectorAll('.st-key-wbw_answers .rnn-lens-overlay').length === 1
             && document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'; }""",
        arg=words,
        timeout=timeout,
        polling=100,
    )


def wait_for_rest(page) -> None:
    """Until no script run is going on (after the player told Python where it rests)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'",
        timeout=60_000,
        polling=100,
    )


def step_times(browser, page, steps: int, press, pause_ms: int = 120) -> dict:
    """Call ``press(page)`` ``steps`` times (a key or a click that moves the player one word); for each step the wall
    time the player measured and the main thread's CPU time (ms), and the longest main-thread task meanwhile."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); document.rnnLensPlayer.timings = []; }")
    browser.start_tracing(page=page, categories=["devtools.timeline", "blink.user_timing", "toplevel"])
    for k in range(steps):
        page.evaluate(f"() => performance.mark('step{k}')")
        press(page)
        page.wait_for_timeout(pause_ms)
    page.evaluate(f"() => performance.mark('step{steps}')")
    events = json.loads(browser.stop_tracing())
    events = events["traceEvents"] if isinstance(events, dict) else events
    marks = {e["name"]: e for e in events if "user_timing" in e.get("cat", "") and e["name"].startswith("step")}
    main = next(iter(marks.values()))
    tasks = [
        e for e in events
        if (e.get("pid"), e.get("tid")) == (main["pid"], main["tid"]) and e.get("ph") == "X" and e.get("name") in TASKS
        and "tdur" in e
    ]  # fmt: skip
    cpu = []
    for k in range(steps):
        start, end = marks[f"step{k}"]["ts"], marks[f"step{k + 1}"]["ts"]
        cpu.append(sum(t["tdur"] for t in tasks if start <= t["ts"] < end) / 1000)
    longest = max((t["tdur"] / 1000 for t in tasks if marks["step0"]["ts"] <= t["ts"]), default=0.0)
    wall = page.evaluate("() => document.rnnLensPlayer.timings")
    return {"wall_ms": wall, "cpu_ms": cpu, "longest_task_cpu_ms": longest}


def next_button(page) -> None:
    """Click the player's ▶ (next word) button, as a mouse would, without Playwright's checks between clicks."""
    page.evaluate("() => document.rnnLensPlayer.el('next').click()")


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered):.1f}, p90 {ordered[int(0.9 * (len(ordered) - 1))]:.1f}, max {ordered[-1]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for presenter, (width, height) in ((False, (1280, 800)), (True, (1920, 1080))):
                page = browser.new_page(viewport={"width": width, "height": height})
                open_word_by_word(page, f"http://127.0.0.1:{port}", review(args.words), presenter)
                page.locator("[data-part=replay]").click()  # word 1, then pause at once: step from there
                page.locator("[data-part=play]").click()
                page.wait_for_timeout(1500)  # the rerun that tells Python where the player rests, then quiet
                wait_for_rest(page)
                press = (lambda pg: pg.keyboard.press("ArrowRight")) if presenter else next_button
                got = step_times(browser, page, args.steps, press)
                mode = "presenter" if presenter else "normal"
                print(f"{args.words} words, {mode} {width}x{height}: wall {summary(got['wall_ms'])} ms; "
                      f"CPU {summary(got['cpu_ms'])} ms; longest task {got['longest_task_cpu_ms']:.1f} ms")  # fmt: skip
                page.close()
            browser.close()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
