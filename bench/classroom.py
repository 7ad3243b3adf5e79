"""A lecture hall at once: N virtual students (bench.protocol) use RNN Lens over its websocket; what the server carries.

    python -m bench.classroom                                  # both scenarios, N = 10 30 60 100 200
    python -m bench.classroom --scenarios class --sessions 30 --duration 60

burst: N students open the lecturer's shared link (Word by word with a review in the URL) within 2 s; each fetches
the page and its scripts like a browser's first visit, opens the websocket and waits for the script to finish.
class: N students open the link within the first 10 s (a quarter of a shorter run), then each, every 10 to 30 s at random, types a new review
(about 50 words), moves the step control (the word player on Word by word, the slider on Inside one step), changes
page or model, until --duration has passed. Three real Chromium sessions (bench.load's journey) run beside the class
to show that pages still render without console errors. Every N gets a fresh server (so its peak memory is its
own), warmed up by the lecturer's visit to the link and each of the lesson's pages; the list stops once p95 passes 5 s. Seeded (--seed) and bounded in time;
traffic goes to 127.0.0.1 only. Reported: p50/p95/max from action to script finished, errors, bytes per
interaction, the server's CPU seconds and peak memory, memory per session, and this client's own CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import resource
import time
import urllib.parse
from pathlib import Path

from .browser import CHROMIUM, CHROMIUM_ARGS, free_port, stop_server
from .load import (
    ENDINGS,
    MIDDLES,
    ONLY_LOOPBACK,
    OPENERS,
    SHARED_REVIEW,
    ServerWatch,
    Session,
    nice_browsers,
    percentile,
    server_log,
)
from .load import start_timed_server as start_server
from .protocol import Outcome, VirtualStudent
from .timing import ROOT, load_average, machine, table

OUT = ROOT / "bench-results" / "classroom.json"
PAGES = ("word_by_word", "one_step", "vanishing", "softmax")  # the pages the shared review drives
ACTIONS = {"type a review": 0.4, "move the step control": 0.3, "change page": 0.25, "pick a model": 0.05}
MODELS = ("rnn-sst2", "gru-sst2", "lstm-sst2")
GIVE_UP_P95_S = 5.0


def new_review(rng: random.Random, words: int = 50) -> str:
    """A review of about ``words`` words made of the benchmark's phrases: new for every action, so no cache helps."""
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts += [rng.choice(OPENERS), rng.choice(MIDDLES), rng.choice(ENDINGS) + rng.choice([",", ".", " ;"])]
    return " ".join(parts)


async def http_get(url: str, timeout_s: float, cookies: dict[str, str], gzip: bool = True) -> bytes:
    """GET one URL over a fresh connection (gzip accepted, as browsers do); the whole response, headers included.
    Cookies are sent, and those the response sets are kept in ``cookies``."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), timeout_s)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        extra = ("Accept-Encoding: gzip\r\n" if gzip else "") + (
            f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n" if cookies else ""
        )
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}Connection: close\r\n\r\n".encode())
        response = await asyncio.wait_for(reader.read(-1), timeout_s)
    finally:
        writer.close()
    if not response.startswith(b"HTTP/1.1 200"):
        raise OSError(f"GET {url}: {response[:40]!r}")
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, val = value.split(";", 1)[0].strip().partition("=")
            cookies[key] = val
    return response


async def first_visit(base: str, link: str, timeout_s: float, cookies: dict[str, str]) -> int:
    """A browser's first visit before the websocket: the page, then the scripts and style sheets it names; bytes."""
    page = await http_get(f"{base}/{link}", timeout_s, cookies, gzip=False)
    assets = re.findall(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page.decode(errors="replace"))
    sizes = await asyncio.gather(*(http_get(f"{base}/{a}", timeout_s, cookies) for a in assets))
    return len(page) + sum(len(s) for s in sizes)


class Student:
    """One virtual student of the class: a session, a seeded random plan, and reconnection after a lost server."""

    def __init__(self, index: int, base: str, seed: int, timeout_s: float) -> None:
        self.index, self.base, self.timeout_s = index, base, timeout_s
        self.rng = random.Random(seed * 100_003 + index)
        self.client = VirtualStudent(base, timeout_s)
        self.review, self.outcomes = SHARED_REVIEW, []

    def log(self, outcome: Outcome, t_start: float) -> Outcome:
        self.outcomes.append({"session": self.index, "kind": outcome.kind, "seconds": round(outcome.seconds, 4),
                              "bytes": outcome.bytes, "error": outcome.error, "at": round(t_start, 2),
                              "server": self.client.headers.get("x-rnn-lens-server")})  # fmt: skip  # behind deploy's nginx
        return outcome

    async def open_link(self, t0: float, static: bool) -> Outcome:
        started = time.perf_counter()
        try:
            fetched = await first_visit(self.base, "word_by_word", self.timeout_s, self.client.cookies) if static else 0
        except (OSError, TimeoutError) as err:
            return self.log(Outcome("open shared link", time.perf_counter() - started, 0, f"page: {err!r}"[:200]), started - t0)
        out = await self.client.open("word_by_word", {"review": SHARED_REVIEW})
        out = Outcome("open shared link", time.perf_counter() - started, out.bytes + fetched, out.error, out.runs)
        return self.log(out, started - t0)

    async def act(self, kind: str) -> Outcome:
        c, page = self.client, self.client.page_name
        if kind == "type a review" and "review" in c.widgets:
            self.review = new_review(self.rng)
            return await c.set_text("review", self.review)
        if kind == "move the step control" and "word_player" in c.widgets:
            data = c.component_data("word_player")
            step = self.rng.randrange(len(data["words"]))
            return await c.component_state(
                "word_player", {"position": {"review": data["review"], "step": step}, "room": None}, kind
            )
        if kind == "move the step control" and "one_step" in c.widgets:
            slider = c.widgets["one_step"].proto
            return await c.slide("one_step", float(self.rng.randint(int(slider.min), int(slider.max))), kind)
        if kind == "pick a model" and "model" in c.widgets:
            return await c.choose("model", self.rng.choice([m for m in MODELS if m in c.widgets["model"].proto.options]))
        return await c.go_to(self.rng.choice([p for p in PAGES if p != page]))

    async def reconnect(self, t0: float, deadline: float) -> bool:
        """What the frontend does when its websocket drops: connect again to the same URL (the review is in it), once a
        second until it answers. The outcome is timed from the first try; False if the class ended first."""
        started, page, query = time.perf_counter(), self.client.page_name, dict(urllib.parse.parse_qsl(self.client.query))
        await self.client.close()
        while True:
            self.client = VirtualStudent(self.base, self.timeout_s, cookies=self.client.cookies)
            out = await self.client.open(page, query)
            if not out.error or time.perf_counter() > deadline:
                break
            await asyncio.sleep(1.0)
        restored = "review" not in self.client.widgets or self.client.value("review") == self.review
        out.kind, out.error = "reconnect", out.error or (None if restored else "review not brought back")
        self.log(Outcome(out.kind, time.perf_counter() - started, out.bytes, out.error, out.runs), started - t0)
        return out.error is None or out.error == "review not brought back"

    async def attend(self, t0: float, arrive: float, deadline: float, think: tuple[float, float]) -> None:
        await asyncio.sleep(arrive)
        if (await self.open_link(t0, static=True)).error:
            return
        while time.perf_counter() < deadline:
            try:  # a browser notices a closed websocket while its student thinks, and reconnects at once
                await asyncio.wait_for(self.client.closed(), self.rng.uniform(*think))
                if not await self.reconnect(t0, deadline):
                    break
                continue
            except TimeoutError:
                pass
            if time.perf_counter() >= deadline:
                break
            kind = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
            started = time.perf_counter()
            out = self.log(await self.act(kind), started - t0)
            if out.error and ("Connection" in out.error or out.error == "timeout") and not await self.reconnect(t0, deadline):
                break
        await self.client.close()


async def browser_check(base: str, n: int, timeout_s: float, delay: float) -> tuple[list[dict], list[str]]:
    """n real Chromium sessions walk bench.load's journey during the run: interactions and problems seen."""
    from playwright.async_api import async_playwright

    if n <= 0 or not Path(CHROMIUM).exists():
        return [], ([] if n <= 0 else [f"no Chromium at {CHROMIUM}: browser check skipped"])
    await asyncio.sleep(delay)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, ONLY_LOOPBACK])
        nice_browsers(10)  # as bench.load: in class each browser has a laptop of its own
        try:
            sessions = [Session(1000 + i, browser, base, timeout_s, (2.0, 5.0), 2.0 * i) for i in range(n)]
            await asyncio.wait_for(asyncio.gather(*(s.run() for s in sessions), return_exceptions=True), 20 * timeout_s)
        except TimeoutError:
            pass
        finally:
            await browser.close()
    return [i for s in sessions for i in s.interactions], [p for s in sessions for p in s.problems]


async def scenario(name: str, n: int, base: str, args) -> dict:
    """Run one scenario with n students against ``base``; the students' interactions and the browsers' check."""
    t0 = time.perf_counter()
    students = [Student(i, base, args.seed, args.timeout) for i in range(n)]
    rng = random.Random(args.seed)
    if name == "burst":
        arrivals = [rng.uniform(0, 2) for _ in students]

        async def one(s: Student, a: float) -> None:
            await asyncio.sleep(a)
            await s.open_link(t0, static=True)

        await asyncio.wait_for(asyncio.gather(*(one(s, a) for s, a in zip(students, arrivals))), 2 + 3 * args.timeout)
        await asyncio.gather(*(s.client.close() for s in students))
        return {"interactions": [o for s in students for o in s.outcomes], "browser": [], "problems": []}
    deadline = t0 + args.duration
    tasks = [s.attend(t0, rng.uniform(0, min(10.0, args.duration / 4)), deadline, tuple(args.think)) for s in students]
    check = browser_check(base, args.browsers, args.timeout, 5.0)
    *_, (seen, problems) = await asyncio.wait_for(asyncio.gather(*tasks, check), args.duration + 20 * args.timeout)
    return {"interactions": [o for s in students for o in s.outcomes], "browser": seen, "problems": problems}


def summary(rows: list[dict]) -> dict:
    times = [r["seconds"] for r in rows]
    errors = [r for r in rows if r["error"]]
    kinds = {}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        ks = [r for r in rows if r["kind"] == kind]
        t = [r["seconds"] for r in ks]
        kinds[kind] = {"n": len(ks), "p50": percentile(t, 50), "p95": percentile(t, 95), "max": max(t),
                       "kb": round(sum(r.get("bytes", 0) for r in ks) / len(ks) / 1024, 1), "errors": sum(bool(r["error"]) for r in ks)}  # fmt: skip
    return {"n": len(rows), "p50_s": percentile(times, 50), "p95_s": percentile(times, 95), "max_s": max(times, default=float("nan")),
            "errors": len(errors), "error_samples": sorted({f"{e['kind']}: {e['error']}" for e in errors})[:10], "by_kind": kinds}  # fmt: skip


async def warm_up(base: str, timeout_s: float) -> Outcome:
    """The lecturer tries the link and each page of the lesson once before class (their first runs fill the caches)."""
    lecturer = Student(-1, base, 0, timeout_s)
    out = await lecturer.open_link(time.perf_counter(), static=True)
    for page in (*PAGES[1:], PAGES[0]):
        step = await lecturer.client.go_to(page)
        out = Outcome("warm-up", out.seconds + step.seconds, out.bytes + step.bytes, out.error or step.error)
    await lecturer.client.close()
    return out


def run_one(name: str, n: int, args) -> dict:
    """A fresh server, warmed up by one visit to the link, then the scenario with n students."""
    port, log = free_port(), args.out.parent / f"script-runs-{name}-{n}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    server = start_server(port, log)
    watch, base = ServerWatch(server.pid), f"http://127.0.0.1:{port}"
    try:
        warm = asyncio.run(warm_up(base, 10 * args.timeout))
        rss_warm, cpu0, started = watch.status_mb("VmRSS"), watch.cpu_seconds(), time.time()
        me0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        watch.start()
        res = asyncio.run(scenario(name, n, base, args))
        wall, me1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
        watch.stop.set()
        watch.join()
        cpu, peak = watch.cpu_seconds() - cpu0, max(watch.peak_rss_mb, watch.status_mb("VmHWM"))
    finally:
        stop_server(server)
    runs, rows = server_log(log, "run", started), res["interactions"]
    served = len(rows) + len(res["browser"])
    return {
        "scenario": name, "sessions": n, "warmup_s": round(warm.seconds, 2), "warmup_error": warm.error, "wall_s": round(wall, 1),
        **summary(rows), "kb_per_interaction": round(sum(r["bytes"] for r in rows) / max(1, len(rows)) / 1024, 1),
        "server_cpu_s": round(cpu, 1), "server_cpu_ms_per_interaction": round(1000 * cpu / max(1, served)),
        "server_script_runs": {"n": len(runs), "p50_s": percentile(runs, 50), "p95_s": percentile(runs, 95)},
        "server_rss_warm_mb": round(rss_warm), "server_peak_rss_mb": round(peak), "mb_per_session": round((peak - rss_warm) / n, 2),
        "client_cpu_s": round(me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime, 1),
        "browser_check": {**summary(res["browser"]), "problems": res["problems"][:10]} if res["browser"] or res["problems"] else None,
        "raw": rows,
    }  # fmt: skip


def print_tables(runs: list[dict]) -> None:
    header = ["scenario", "N", "n", "p50 s", "p95 s", "max s", "errors", "KB/interaction", "server CPU s", "CPU ms/inter.",
              "peak MB", "MB/session", "client CPU s"]  # fmt: skip
    rows = [[r["scenario"], r["sessions"], r["n"], f"{r['p50_s']:.2f}", f"{r['p95_s']:.2f}", f"{r['max_s']:.2f}", r["errors"],
             r["kb_per_interaction"], r["server_cpu_s"], r["server_cpu_ms_per_interaction"], r["server_peak_rss_mb"],
             r["mb_per_session"], r["client_cpu_s"]] for r in runs]  # fmt: skip
    print(table("Virtual students: action to script finished", header, rows, "(seconds; errors include timeouts)"))
    kinds = [[f"{r['scenario']} N={r['sessions']}", k, v["n"], f"{v['p50']:.2f}", f"{v['p95']:.2f}", f"{v['max']:.2f}", v["kb"], v["errors"]]
             for r in runs for k, v in r["by_kind"].items()]  # fmt: skip
    print(table("By kind of interaction", ["run", "kind", "n", "p50 s", "p95 s", "max s", "KB", "errors"], kinds))
    checks = [[f"{r['scenario']} N={r['sessions']}", b["n"], f"{b['p50_s']:.2f}", f"{b['p95_s']:.2f}", b["errors"], len(b["problems"])]
              for r in runs if (b := r["browser_check"])]  # fmt: skip
    if checks:
        print(
            table("Real Chromium sessions during the run", ["run", "n", "p50 s", "p95 s", "errors", "console problems"], checks)
        )
    for r in runs:
        for e in (
            r["error_samples"]
            + (r["browser_check"] or {}).get("error_samples", [])
            + (r["browser_check"] or {}).get("problems", [])
        ):
            print(f"  ! {r['scenario']} N={r['sessions']}: {e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", nargs="+", choices=["burst", "class"], default=["burst", "class"])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 30, 60, 100, 200])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds the class scenario lasts")
    parser.add_argument("--think", type=float, nargs=2, default=[10.0, 30.0], metavar=("MIN", "MAX"))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before an interaction counts as timed out")
    parser.add_argument("--browsers", type=int, default=3, help="real Chromium sessions beside the class (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    report = {"machine": machine(), "load_before": load_average(), "args": {k: str(v) for k, v in vars(args).items()}, "runs": []}
    for name in args.scenarios:
        for n in sorted(args.sessions):
            print(f"{name}: {n} students...", flush=True)
            report["runs"].append(run_one(name, n, args))
            if report["runs"][-1]["p95_s"] > GIVE_UP_P95_S:
                print(f"{name}: p95 passed {GIVE_UP_P95_S} s at N = {n}; larger N not run", flush=True)
                break
    report["load_after"] = load_average()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print_tables(report["runs"])
    print(f"\nload average before {report['load_before']}, after {report['load_after']}\nJSON: {args.out}")


if __name__ == "__main__":
    main()
