"""A classroom at once: N browser sessions use RNN Lens at the same time; latency, errors and server memory.

    python -m bench.load --sessions 1 10 30

For each N a fresh server is started on 127.0.0.1 and warmed up by one visit to the shared link (the lecturer
trying it). Then N sessions (separate contexts of one headless Chromium) start together; each opens the shared
link, types its own review, presses Play and walks through the three other pages and back, pausing 2-5 s
between steps (--think). Each interaction is timed from the click or key press until the page has finished
updating: Streamlit's script no longer running, nothing stale, every chart drawn, and Word by word showing the
expected words; for Play, until the animation starts. Errors: interactions over 30 s (--timeout), console
errors, page errors, exceptions or dialogs shown; after a timeout the session waits for its page (untimed)
before going on, as a student would. --stagger spreads the arrivals over some seconds instead. Also reported: how long the server's script runs took, its
peak memory (VmHWM) and CPU time against the browsers' CPU time (the browsers stand in for thirty machines but
share this one: they run at nice 10 so the server is not starved by them). Table printed, JSON written to
bench-results/load.json. Traffic goes only to 127.0.0.1: no other host name resolves in the browser.
What the server itself can carry is measured without browsers by bench.classroom (virtual students).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from rnn_core.text.tokenizer import readable, tokenize

from .browser import CHROMIUM, CHROMIUM_ARGS, free_port, is_harmless, stop_server, wait_until_healthy
from .timing import load_average, machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-results" / "load.json"
MAX_SESSIONS = 60  # one browser process on 2 cores: more than this measures the browser, not the app
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
SHARED_REVIEW = "the start was slow but the ending was wonderful"  # the lecturer's link
PAGES = ("Inside one step", "Vanishing gradients", "Sigmoid vs softmax")

OPENERS = ["the film", "this movie", "the plot", "the acting", "the script", "the story", "the music", "the cast"]
MIDDLES = ["was wonderful", "is a dull mess", "felt far too long", "is charming", "was not good", "is funny",
           "was boring", "is moving"]  # fmt: skip
ENDINGS = ["but the ending drags", "and i loved it", "though nothing happens", "yet i would watch it again", "so skip it",
           "and the actors shine", "but it never works", "and it is a joy"]  # fmt: skip


def review_for(i: int) -> str:
    """A different review for every session (distinct for i < 512)."""
    return f"{OPENERS[i % 8]} {MIDDLES[(i // 8) % 8]} {ENDINGS[(i // 64 + i) % 8]}"


def labels(text: str) -> str:
    """The words the Word-by-word player steps through for a text: 'the|film|...'."""
    return "|".join(readable(t) for t in tokenize(text))


# Done = the script has stopped and every chart on the page is drawn (and, for Word by word, holds this text).
JS_PAGE_DONE = """([title, want]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid=stMain] h1');
  if (!h1 || !h1.innerText.startsWith(title) || document.querySelector('[data-stale=true], [data-testid^=stSkeleton], [data-testid=stAppSkeleton]')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stPlotlyChart]')];
  if (!charts.every(c => c.querySelector('.js-plotly-plot .main-svg'))) return false;
  if (!want) return true;
  const player = document.rnnLensPlayer;
  return !!(player && player.data && player.data.words.join('|') === want && player.charts().length === 2);
}"""
JS_ARM_PLAY = """() => { const gd = document.querySelector('[data-testid=stMain] .st-key-wbw_network .js-plotly-plot');
  window.__playStarted = null; if (!gd || !gd.once) return false;
  gd.once('plotly_animatingframe', () => { window.__playStarted = performance.now(); }); return true; }"""


def serve(port: int, log: str) -> None:
    """Run the app like `streamlit run app.py`, logging each script run and each full garbage collection
    (kind "run" or "gc2", end time, seconds)."""
    import gc

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    run_script, lock, gc_start = script_runner.ScriptRunner._run_script, threading.Lock(), [0.0]

    def write(kind: str, seconds: float) -> None:
        with lock, open(log, "a") as f:
            f.write(f"{kind} {time.time():.3f} {seconds:.4f}\n")

    def timed(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return run_script(self, *args, **kwargs)
        finally:
            write("run", time.perf_counter() - t0)

    def collected(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                gc_start[0] = time.perf_counter()
            else:
                write("gc2", time.perf_counter() - gc_start[0])

    script_runner.ScriptRunner._run_script = timed
    gc.callbacks.append(collected)
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]  # fmt: skip
    sys.exit(cli.main())


def start_timed_server(port: int, log: Path) -> subprocess.Popen:
    """The app on 127.0.0.1:port in its own process (one torch thread), once its health check answers."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "bench.load", "--serve", str(port), str(log)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait_until_healthy(proc, port)


def server_log(log: Path, kind: str, since: float) -> list[float]:
    """Durations of the server's script runs ("run") or full collections ("gc2") that ended after ``since``."""
    if not log.is_file():
        return []
    rows = [line.split() for line in log.read_text().splitlines()]
    return [float(d) for k, end, d in rows if k == kind and float(end) >= since]


class ServerWatch(threading.Thread):
    """Polls the server's /proc entries: peak resident memory (VmHWM) and CPU time."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_rss_mb, self.stop = pid, 0.0, threading.Event()

    def status_mb(self, field: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self.stop.wait(0.25):
            try:
                self.peak_rss_mb = max(self.peak_rss_mb, self.status_mb("VmHWM"))
            except OSError:
                return


class Session:
    """One student: a browser context, its interactions and the problems seen."""

    def __init__(self, index: int, browser, base: str, timeout_s: float, think: tuple[float, float], delay: float = 0) -> None:
        self.index, self.browser, self.base, self.timeout_ms, self.delay = index, browser, base, timeout_s * 1000, delay
        self.rng, self.think = random.Random(index), think
        self.review = review_for(index)
        self.interactions: list[dict] = []
        self.problems: list[str] = []

    def listen(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and not is_harmless(m.text) and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), asyncio.ensure_future(d.dismiss())))

    async def step(self, page, kind: str, action, title: str, want: str | None = None, play: bool = False) -> None:
        seen = len(self.problems)
        error, t0 = None, time.perf_counter()

        async def attempt() -> None:
            await action()
            if play:
                await page.wait_for_function("() => window.__playStarted !== null", polling=50)
            else:
                await page.wait_for_function(JS_PAGE_DONE, arg=[title, want], polling=50)

        page.set_default_timeout(2 * self.timeout_ms)  # the bound is kept here: a busy page's own timers run late
        try:
            await asyncio.wait_for(attempt(), self.timeout_ms / 1000)
        except TimeoutError:
            error = "timeout"
        except PlaywrightError as err:
            error = "timeout" if "Timeout" in str(err) else f"browser: {str(err).splitlines()[0]}"
        seconds = time.perf_counter() - t0
        if error and not play:  # like a student, wait for the page before the next step (untimed, bounded)
            try:
                await asyncio.wait_for(
                    page.wait_for_function(JS_PAGE_DONE, arg=[title, want], polling=250), 3 * self.timeout_ms / 1000
                )
            except (PlaywrightError, TimeoutError):
                pass
        try:
            shown = await asyncio.wait_for(page.locator("[data-testid=stException], [data-testid=stDialog]").count(), 10)
        except (PlaywrightError, TimeoutError):
            shown = 0
        if error is None and shown:
            error = "exception or dialog shown"
        if error is None and len(self.problems) > seen:
            error = self.problems[-1][:200]
        self.interactions.append({"session": self.index, "kind": kind, "seconds": round(seconds, 3), "error": error})
        await asyncio.sleep(self.rng.uniform(*self.think))

    async def run(self) -> None:
        await asyncio.sleep(self.delay)
        context = await self.browser.new_context(viewport={"width": 1280, "height": 1000})
        try:
            page = await context.new_page()
            self.listen(page)
            wbw, shared = "Word by word", labels(SHARED_REVIEW)
            link = f"{self.base}/word_by_word?review={urllib.parse.quote_plus(SHARED_REVIEW)}"
            await self.step(page, "open shared link", lambda: page.goto(link, wait_until="commit"), wbw, shared)
            if await page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").count() == 0:
                self.interactions[-1]["error"] = self.interactions[-1]["error"] or "no model picker: page ran without the router"
            box = page.get_by_role("textbox", name="Review")

            async def type_review() -> None:
                await box.fill(self.review)
                await box.press("Control+Enter")

            await self.step(page, "type a review", type_review, wbw, labels(self.review))

            async def press_play() -> None:
                if not await page.evaluate(JS_ARM_PLAY):
                    raise PlaywrightError("no chart to play")
                await page.locator("[data-part=play]").click()  # the word player (ui/player.js)

            await self.step(page, "press Play", press_play, wbw, play=True)
            nav = page.get_by_test_id("stSidebarNav")
            for title in [*PAGES, wbw]:
                link_to = nav.get_by_role("link", name=title)
                want = labels(self.review) if title == wbw else None
                await self.step(page, f"go to {title}", link_to.click, title, want)
        finally:
            await context.close()


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used by it and its waited-for children), from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK"))
    return table


def descendants(root: int, skip: int = 0) -> dict[int, float]:
    """Processes below ``root`` (not below ``skip``), with their CPU seconds: the Playwright driver and Chromium."""
    table = _processes()

    def below(pid: int) -> bool:
        while pid > 1 and pid != skip:
            pid = table.get(pid, (0, 0.0))[0]
            if pid == root:
                return True
        return False

    return {pid: cpu for pid, (_, cpu) in table.items() if pid != skip and below(pid)}


def nice_browsers(niceness: int, skip: int = 0) -> None:
    """Lower the priority of this process's Chromium (not its driver; later renderers inherit it), so that the
    browsers standing in for students' laptops do not starve the server they share the cores with."""
    for pid in descendants(os.getpid(), skip=skip):
        try:
            if Path(f"/proc/{pid}/comm").read_text().startswith("chrom"):
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except OSError:
            pass


def tree_cpu_seconds(root: int, skip: int = 0) -> float:
    return sum(descendants(root, skip).values())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]  # nearest rank


def summarise(interactions: list[dict]) -> dict:
    times = [i["seconds"] for i in interactions]
    errors = [i for i in interactions if i["error"]]
    kinds = {}
    for kind in dict.fromkeys(i["kind"] for i in interactions):
        ks = [i["seconds"] for i in interactions if i["kind"] == kind]
        kinds[kind] = {"n": len(ks), "p50": percentile(ks, 50), "p95": percentile(ks, 95), "max": max(ks)}
    return {
        "interactions": len(interactions),
        "p50_s": percentile(times, 50),
        "p95_s": percentile(times, 95),
        "max_s": max(times, default=float("nan")),
        "p95_after_open_s": percentile([i["seconds"] for i in interactions if i["kind"] != "open shared link"], 95),
        "mean_s": round(statistics.fmean(times), 3) if times else float("nan"),
        "errors": len(errors),
        "timeouts": sum(e["error"] == "timeout" for e in errors),
        "error_samples": sorted({f"{e['kind']}: {e['error']}" for e in errors})[:20],
        "by_kind": kinds,
    }


async def drive(n: int, base: str, args, watch: ServerWatch) -> dict:
    """Warm up with one visit, then run n sessions at once; CPU is counted from the end of the warm-up."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, ONLY_LOOPBACK])
        nice_browsers(args.browser_nice, skip=watch.pid)
        try:
            warm = Session(-1, browser, base, args.timeout, (0, 0))
            t0 = time.perf_counter()
            await asyncio.wait_for(warm.run(), args.timeout * 10)
            out = {"warmup_s": round(time.perf_counter() - t0, 2), "warmup_errors": [i for i in warm.interactions if i["error"]]}
            started, cpu0, browser0, t0 = (
                time.time(),
                watch.cpu_seconds(),
                tree_cpu_seconds(os.getpid(), skip=watch.pid),
                time.perf_counter(),
            )
            sessions = [Session(i, browser, base, args.timeout, tuple(args.think), i * args.stagger / n) for i in range(n)]
            # Bounded: a journey is 7 steps of at most `timeout` (and as long again to recover) plus pauses.
            deadline = args.stagger + 7 * (4 * args.timeout + args.think[1]) + 60
            done, pending = await asyncio.wait([asyncio.create_task(s.run()) for s in sessions], timeout=deadline)
            for task in pending:
                task.cancel()
            for task in done:
                if task.exception() is not None:
                    print(f"  a session stopped: {task.exception()!r}"[:300])
            out |= {"started": started, "wall_s": round(time.perf_counter() - t0, 1), "server_cpu_s": round(watch.cpu_seconds() - cpu0, 1),
                    "browser_cpu_s": round(tree_cpu_seconds(os.getpid(), skip=watch.pid) - browser0, 1)}  # fmt: skip
        finally:
            await browser.close()
    interactions = [i for s in sessions for i in s.interactions]
    for s in sessions:
        missing = 7 - len(s.interactions)
        interactions += [{"session": s.index, "kind": "not reached", "seconds": args.timeout, "error": "timeout"}] * missing
    return out | {"interactions": interactions}


def run_one(n: int, args) -> dict:
    """A fresh server for n sessions, so that its peak memory is this run's."""
    port, log = free_port(), args.out.parent / f"script-runs-{n}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    load_before = os.getloadavg()
    server = start_timed_server(port, log)
    watch = ServerWatch(server.pid)
    try:
        idle_rss = watch.status_mb("VmRSS")
        watch.start()
        res = asyncio.run(drive(n, f"http://127.0.0.1:{port}", args, watch))
        watch.stop.set()
        watch.join()
        peak = max(watch.peak_rss_mb, watch.status_mb("VmHWM"))
    finally:
        stop_server(server)
    interactions = res.pop("interactions")
    started = res.pop("started")
    runs, gcs = server_log(log, "run", started), server_log(log, "gc2", started)
    return {
        "sessions": n,
        **summarise(interactions),
        **res,
        "server_script_runs": {
            "n": len(runs),
            "p50_s": percentile(runs, 50),
            "p95_s": percentile(runs, 95),
            "max_s": max(runs, default=0),
        },
        "server_full_gc": {"n": len(gcs), "total_s": round(sum(gcs), 2), "max_s": max(gcs, default=0)},
        "server_rss_start_mb": round(idle_rss),
        "server_peak_rss_mb": round(peak),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "raw": interactions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30], help="numbers of simultaneous sessions")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before one interaction counts as timed out")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0], metavar=("MIN", "MAX"),
                        help="seconds a student pauses between interactions (uniform)")  # fmt: skip
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds over which the sessions arrive (0: together)")
    parser.add_argument("--browser-nice", type=int, default=10,
                        help="niceness of the browsers: in class the server has its machine to itself")  # fmt: skip
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "LOG"), help=argparse.SUPPRESS)  # the server process itself
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions must lie in 1..{MAX_SESSIONS}")
    report = {
        "machine": machine(),
        "load_before": load_average(),
        "think_s": args.think,
        "timeout_s": args.timeout,
        "browser_nice": args.browser_nice,
        "stagger_s": args.stagger,
        "runs": [],
    }
    for n in args.sessions:
        print(f"{n} session(s)...", flush=True)
        report["runs"].append(run_one(n, args))
    report["load_after"] = load_average()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"\n{'N':>3} {'p50':>6} {'p95':>6} {'max':>6} {'p95 after open':>14} {'errors':>6} {'timeouts':>8} {'peak RSS MB':>11}"
          f" {'server run p50/p95/max':>22} {'CPU s server/browsers':>22}")  # fmt: skip
    for r in report["runs"]:
        sr, g = r["server_script_runs"], r["server_full_gc"]
        print(f"{r['sessions']:>3} {r['p50_s']:>6.2f} {r['p95_s']:>6.2f} {r['max_s']:>6.2f} {r['p95_after_open_s']:>14.2f} {r['errors']:>6} "
              f"{r['timeouts']:>8} {r['server_peak_rss_mb']:>11} {sr['p50_s']:>8.2f} {sr['p95_s']:>6.2f} {sr['max_s']:>6.2f}"
              f" {r['server_cpu_s']:>11} / {r['browser_cpu_s']:<9}")  # fmt: skip
        print(f"      {sr['n']} server script runs; {g['n']} full garbage collections, {g['total_s']} s in all")
        for kind, k in r["by_kind"].items():
            print(f"      {kind:<28} p50 {k['p50']:.2f}  p95 {k['p95']:.2f}  max {k['max']:.2f}")
        for e in r["error_samples"] + [f"warm-up: {e['kind']}: {e['error']}" for e in r["warmup_errors"]]:
            print(f"      ! {e}")
    print("(seconds; 'errors' includes the timeouts)")
    print(f"\nload average before: {report['load_before']}\nload average after:  {report['load_after']}")
    print(f"JSON: {args.out}")


if __name__ == "__main__":
    main()
