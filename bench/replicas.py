"""The class scenario through nginx in front of K app processes (deploy.launch), with one process stopped mid-run.

    python -m bench.replicas --processes 2 --sessions 30 --duration 180 --stop-at 90
    python -m bench.replicas --processes 2 --sessions 30 --scenario burst

Three real Chromium sessions walk bench.load's journey through nginx meanwhile. The deployment is started as deploy.launch starts it, including its health check (every 5 s it restarts a process
that has stopped). Each process is warmed up by the lecturer directly. The virtual students (bench.classroom) go
through nginx and keep the cookie it sets, like browsers. At --stop-at seconds process 1 gets SIGTERM. Reported:
how the sessions were spread, what the students of the stopped process saw (how long their reconnection took,
whether the page came back with their review), how many interactions were lost, and the usual latency table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import threading
import time
from collections import Counter
from pathlib import Path

from deploy.launch import deploy

from .browser import free_port
from .classroom import PAGES, Student, browser_check, print_tables, scenario, summary, warm_up
from .load import ServerWatch, percentile
from .timing import ROOT, load_average, machine

OUT = ROOT / "bench-results" / "replicas.json"


async def attend_all(base: str, n: int, args, stop) -> tuple[list[Student], float, tuple[list[dict], list[str]]]:
    """The class through nginx, and real Chromium sessions beside it; ``stop`` is called once, --stop-at seconds in.
    Returns the students, that time, and the browsers' interactions and problems."""
    import random

    t0, rng = time.perf_counter(), random.Random(args.seed)
    students = [Student(i, base, args.seed, args.timeout) for i in range(n)]
    deadline = t0 + args.duration

    async def stopper() -> float:
        await asyncio.sleep(args.stop_at)
        stop()
        return time.perf_counter() - t0

    tasks = [s.attend(t0, rng.uniform(0, min(10.0, args.duration / 4)), deadline, tuple(args.think)) for s in students]
    stopped = asyncio.create_task(stopper()) if args.stop_at else None
    *_, check = await asyncio.wait_for(
        asyncio.gather(*tasks, browser_check(base, args.browsers, args.timeout, 5.0)), args.duration + 20 * args.timeout
    )
    return students, (await stopped if stopped else float("nan")), check


def run(args) -> dict:
    dep = deploy(args.processes, free_port(), first_app_port=free_port())
    halt = threading.Event()

    def health_checks() -> None:  # what deploy.launch's main loop does
        while not halt.wait(5.0):
            dep.check()

    try:
        for port in dep.app_ports:
            asyncio.run(warm_up(f"http://127.0.0.1:{port}", 10 * args.timeout))
        watches = [ServerWatch(a.pid) for a in dep.apps]
        cpu0 = [w.cpu_seconds() for w in watches]
        for w in watches:
            w.start()
        threading.Thread(target=health_checks, daemon=True).start()
        victim = dep.apps[0]
        if args.scenario == "burst":
            res, stopped_at = asyncio.run(scenario("burst", args.sessions, dep.url, args)), float("nan")
            rows, seen, problems = res["interactions"], [], []
        else:
            students, stopped_at, (seen, problems) = asyncio.run(
                attend_all(dep.url, args.sessions, args, lambda: victim.send_signal(signal.SIGTERM))
            )
            rows = [o for s in students for o in s.outcomes]
        halt.set()
        cpu = [round(w.cpu_seconds() - c, 1) if Path(f"/proc/{w.pid}").exists() else None for w, c in zip(watches, cpu0)]
        peaks = [round(w.peak_rss_mb) for w in watches]
    finally:
        halt.set()
        dep.stop()
    first_server = Counter(o["server"] for o in rows if o["kind"] == "open shared link")
    reconnects = [o for o in rows if o["kind"] == "reconnect"]
    moved = {o["session"] for o in reconnects}
    lost = [o for o in rows if o["error"] and o["kind"] != "reconnect" and o["at"] >= stopped_at]
    return {
        "scenario": args.scenario, "processes": args.processes, "sessions": args.sessions, "stopped_at_s": round(stopped_at, 1),
        "spread_at_open": dict(first_server), "restarts": dep.restarts,
        **summary(rows), "server_cpu_s": cpu, "server_peak_rss_mb": peaks,
        "browser_check": {**summary(seen), "problems": problems[:10]} if seen or problems else None, "students_moved": len(moved), "reconnects": len(reconnects),
        "reconnect_p50_s": percentile([o["seconds"] for o in reconnects], 50), "reconnect_max_s": max((o["seconds"] for o in reconnects), default=0),
        "review_brought_back": sum(o["error"] is None for o in reconnects), "interactions_lost": len(lost),
        "lost_samples": sorted({f"{o['kind']}: {o['error']}" for o in lost})[:10], "raw": rows,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--scenario", choices=["class", "burst"], default="class", help="burst: all open the link within 2 s")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--stop-at", type=float, default=90.0, help="seconds into the class when process 1 is stopped (0: never)")
    parser.add_argument("--think", type=float, nargs=2, default=[10.0, 30.0], metavar=("MIN", "MAX"))
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--browsers", type=int, default=3, help="real Chromium sessions beside the class (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    report = {"machine": machine(), "load_before": load_average(), "pages": PAGES, **run(args), "load_after": load_average()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    r = report
    print_tables([{**r, "scenario": f"{r['scenario']} via nginx K={r['processes']}", "kb_per_interaction": "-",
                   "server_cpu_s": "+".join(str(c) if c is not None else "stopped" for c in r["server_cpu_s"]), "server_cpu_ms_per_interaction": "-",
                   "server_peak_rss_mb": "+".join(map(str, r["server_peak_rss_mb"])), "mb_per_session": "-", "client_cpu_s": "-"}])  # fmt: skip
    print(f"\nsessions at their first visit, by process: {r['spread_at_open']}")
    print(f"process 1 stopped at {r['stopped_at_s']} s; restarted by the health check {r['restarts']} time(s)")
    print(f"students moved: {r['students_moved']}; reconnections {r['reconnects']} (p50 {r['reconnect_p50_s']:.2f} s, max "
          f"{r['reconnect_max_s']:.2f} s), page back with the student's review: {r['review_brought_back']}")  # fmt: skip
    print(f"interactions lost after the stop: {r['interactions_lost']} {r['lost_samples']}")
    print(f"JSON: {args.out}")


if __name__ == "__main__":
    main()
