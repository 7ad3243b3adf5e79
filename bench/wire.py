"""Bytes on the wire per interaction, with the server's websocket compression on (the app's setting) and off.

    python -m bench.wire [--repeats 5] [--words 50] [--json]

Two app servers from this checkout, one with `server.enableWebsocketCompression` as configured (true) and one with
it off, each with one virtual student (bench.protocol) on each page that shows a review. The students take turns:
each types the same new review (no cache has seen it), then moves nothing and reruns. Reported per page and
interaction: the message bytes (what the app sends, the same either way), the socket bytes with and without
compression, their ratio, and the server seconds of each (so the price of compressing shows).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random

from .browser import free_port, start_server, stop_server
from .classroom import new_review
from .protocol import VirtualStudent
from .timing import stats, table

PAGES = ("word_by_word", "vanishing", "softmax", "one_step", "explorer")
SETTINGS = {"compressed": ("--server.enableWebsocketCompression", "true"),
            "plain": ("--server.enableWebsocketCompression", "false")}  # fmt: skip


async def measure(ports: dict[str, int], repeats: int, words: int, pages: tuple[str, ...] = PAGES) -> list[dict]:
    rng, rows = random.Random(7), []
    for page in pages:
        students = {name: VirtualStudent(f"http://127.0.0.1:{port}", timeout_s=120) for name, port in ports.items()}
        runs: dict[tuple[str, str], list] = {(n, k): [] for n in students for k in ("new review", "rerun")}
        try:
            for student in students.values():
                opened = await student.open(page)
                if opened.error:
                    raise RuntimeError(f"{page}: {opened.error}")
                if page == "softmax":  # the page reads one word until asked to read the shared review
                    await student.choose("heads_source", "The shared review", "read the review")
                await student.set_text("review", new_review(rng, words))  # warm-up
            for _ in range(repeats):
                review = new_review(rng, words)
                for name, student in students.items():
                    runs[name, "new review"].append(await student.set_text("review", review))
                    runs[name, "rerun"].append(await student._rerun("rerun"))
        finally:
            for student in students.values():
                await student.close()
        for kind in ("new review", "rerun"):
            got = {name: runs[name, kind] for name in students}
            errors = [o.error for outcomes in got.values() for o in outcomes if o.error]
            if errors:
                raise RuntimeError(f"{page}, {kind}: {errors[0]}")
            rows.append({
                "page": page, "interaction": kind,
                "message_bytes": stats([o.bytes for o in got["plain"]]),
                "wire_bytes": {name: stats([o.wire_bytes for o in outcomes]) for name, outcomes in got.items()},
                "wire_ratio": stats([c.wire_bytes / p.wire_bytes for c, p in zip(got["compressed"], got["plain"])]),
                "seconds": {name: stats([o.seconds for o in outcomes]) for name, outcomes in got.items()},
            })  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES, help="default: all of them")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = parser.parse_args(argv)
    ports = {name: free_port() for name in SETTINGS}
    servers = [start_server(port, options=SETTINGS[name]) for name, port in ports.items()]
    try:
        rows = asyncio.run(measure(ports, args.repeats, args.words, tuple(args.pages)))
    finally:
        for server in servers:
            stop_server(server)
    kb = lambda s: f"{s['median'] / 1e3:.1f} kB"  # noqa: E731
    lines = [
        [r["page"], r["interaction"], kb(r["message_bytes"]), kb(r["wire_bytes"]["plain"]), kb(r["wire_bytes"]["compressed"]),
         f"{r['wire_ratio']['median']:.2f}x", f"{r['seconds']['plain']['median'] * 1e3:.0f} / "
         f"{r['seconds']['compressed']['median'] * 1e3:.0f} ms"]
        for r in rows
    ]  # fmt: skip
    header = ["page", "interaction", "messages", "wire, plain", "wire, compressed", "compressed/plain", "time plain / compressed"]
    print(table(f"Bytes per interaction, {args.words}-word reviews, {args.repeats} repeats (medians)", header, lines))
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
