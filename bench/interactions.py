"""What one interaction costs the server, this checkout against another, interleaved in one run.

    python -m bench.interactions --before DIR [--repeats 5] [--words 50] [--through apptest|server] [--json]

Two worker processes, one per checkout (DIR: a folder holding app.py, e.g. ``git worktree add DIR <commit>``), each
running the app through Streamlit's AppTest with one torch thread. The parent hands both the same interactions in
turn (before, after, before, after, ...), so both meet the same machine load: on each page, a new review (its first
word swapped for another dictionary word, so no cache has seen it) and then a rerun with nothing changed (a slider
moved elsewhere). Reported per page: server seconds of each, the bytes of the page's charts (the Plotly JSON the
browser receives), and the ratios after/before pair by pair. The workers (bench/interaction_worker.py, run as a
script) import nothing of either checkout but its app.py, so each runs its own checkout's code throughout.

``--through server``: each checkout runs as a real `streamlit run` server (one torch thread) and one virtual student
per page drives it over Streamlit's websocket (bench.protocol), timed from the rerun request to the script-finished
message: what a browser waits for, without AppTest's own work of reading every element into its tree. Bytes are
then the messages the page sent (charts and everything else).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .browser import free_port, start_server, stop_server
from .compute import review_text
from .page_runs import PAGES, new_first_word
from .protocol import VirtualStudent
from .timing import ROOT, ms, stats, table, times_x

WORKER = Path(__file__).with_name("interaction_worker.py")
EXTRA_PAGES = {"explorer": "pages/explorer.py"}  # pages with a review beside bench.page_runs.PAGES


class Worker:
    def __init__(self, checkout: Path) -> None:
        command = [sys.executable, str(WORKER), str(checkout)]  # a script: it imports nothing of this checkout
        self.errors = tempfile.TemporaryFile()  # the worker's stderr, shown if it stops answering
        self.process = subprocess.Popen(command, cwd=checkout, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        stderr=self.errors)  # fmt: skip

    def ask(self, **interaction) -> dict:
        self.process.stdin.write(json.dumps(interaction) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.errors.seek(0)
            raise RuntimeError(f"the worker stopped: {self.errors.read().decode(errors='replace')[-2000:]}")
        answer = json.loads(line)
        if answer["error"]:
            raise RuntimeError(f"the page raised: {answer['error']}")
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.errors.close()


class ServerWorker:
    """One checkout's app as a real server, asked like Worker: one virtual student per page, over the websocket."""

    def __init__(self, checkout: Path) -> None:
        self.port = free_port()
        self.process = start_server(self.port, checkout=checkout)
        self.loop = asyncio.new_event_loop()
        self.students: dict[str, VirtualStudent] = {}

    def ask(self, page: str, path: str, text: str | None = None, rerun: bool = False) -> dict:
        out = self.loop.run_until_complete(self._ask(page, text, rerun))
        if out.error:
            raise RuntimeError(f"the page raised: {out.error}")
        return {"seconds": out.seconds, "chart_bytes": out.bytes, "error": None}

    async def _ask(self, page: str, text: str | None, rerun: bool):
        student = self.students.get(page)
        if student is None:
            student = self.students[page] = VirtualStudent(f"http://127.0.0.1:{self.port}", timeout_s=300)
            out = await student.open(page)  # the pages' URL paths are their names here
            if not out.error and page == "softmax":  # the page reads one word until asked to read the shared review
                out = await student.choose("heads_source", "The shared review")
            if out.error:
                return out
        return await (student.rerun() if rerun else student.set_text("review", text))

    def close(self) -> None:
        try:
            for student in self.students.values():
                self.loop.run_until_complete(student.close())
        finally:
            self.loop.close()
            stop_server(self.process)


def compare(before: Path, repeats: int, words: int, only: tuple[str, ...] = (), through: str = "apptest") -> dict:
    """Per page (``only`` these, if given): new review and rerun, before and after, with the ratios after/before
    pair by pair; ``through`` "server": real servers driven over the websocket instead of AppTest."""
    pages = {name: path for name, path in {**PAGES, **EXTRA_PAGES}.items() if not only or name in only}
    kind = ServerWorker if through == "server" else Worker
    workers = {}
    text, fresh = review_text(words), iter(range(1, 10**6))
    try:
        workers["before"] = kind(before)
        workers["after"] = kind(ROOT)
        rows = []
        for page, path in pages.items():
            for w in workers.values():  # warm-up: models, caches of fixed content, lazy imports
                for _ in range(2):
                    w.ask(page=page, path=path, text=new_first_word(text, next(fresh)))
            runs = {(side, kind): [] for side in workers for kind in ("new", "rerun")}
            for _ in range(repeats):
                review = new_first_word(text, next(fresh))
                for side, w in workers.items():
                    runs[side, "new"].append(w.ask(page=page, path=path, text=review))
                    runs[side, "rerun"].append(w.ask(page=page, path=path, rerun=True))
            row = {"page": page}
            for kind in ("new", "rerun"):
                b, a = runs["before", kind], runs["after", kind]
                row[kind] = {
                    "before_s": stats([r["seconds"] for r in b]),
                    "after_s": stats([r["seconds"] for r in a]),
                    "ratio": stats([y["seconds"] / x["seconds"] for x, y in zip(b, a)]),
                    "before_bytes": b[-1]["chart_bytes"],
                    "after_bytes": a[-1]["chart_bytes"],
                }
            rows.append(row)
        return {"words": words, "repeats": repeats, "before": str(before), "through": through, "rows": rows}
    finally:
        for w in workers.values():
            with contextlib.suppress(Exception):  # one worker failing to close must not leave the other running
                w.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the app to compare with (folder with app.py)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--pages", nargs="*", default=[], help="only these pages (default: every page with a review)")
    parser.add_argument("--through", choices=("apptest", "server"), default="apptest",
                        help="AppTest in a worker process, or a real server driven over its websocket")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = parser.parse_args(argv)
    res = compare(args.before.resolve(), args.repeats, args.words, tuple(args.pages), args.through)
    lines = [
        [r["page"], kind, ms(r[kind]["before_s"]), ms(r[kind]["after_s"]), times_x(r[kind]["ratio"]),
         f"{r[kind]['before_bytes'] / 1e3:.0f} / {r[kind]['after_bytes'] / 1e3:.0f} kB"]
        for r in res["rows"] for kind in ("new", "rerun")
    ]  # fmt: skip
    how = "request to script finished on a real server" if args.through == "server" else "AppTest run"
    title = (
        f"Server time per interaction ({how}), {res['words']}-word review, {res['repeats']} interleaved pairs (median [min-max])"
    )
    sent = "bytes sent" if args.through == "server" else "chart bytes"
    print(table(title, ["page", "interaction", "before", "after", "after/before", f"{sent} before / after"], lines))
    if args.json:
        print(json.dumps(res))


if __name__ == "__main__":
    main()
