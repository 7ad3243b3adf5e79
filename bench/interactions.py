"""What one interaction costs the server, this checkout against another, interleaved in one run.

    python -m bench.interactions --before DIR [--repeats 5] [--words 50] [--json]

Two worker processes, one per checkout (DIR: a folder holding app.py, e.g. ``git worktree add DIR <commit>``), each
running the app through Streamlit's AppTest with one torch thread. The parent hands both the same interactions in
turn (before, after, before, after, ...), so both meet the same machine load: on each page, a new review (its first
word swapped for another dictionary word, so no cache has seen it) and then a rerun with nothing changed (a slider
moved elsewhere). Reported per page: server seconds of each, the bytes of the page's charts (the Plotly JSON the
browser receives), and the ratios after/before pair by pair. The workers (bench/interaction_worker.py, run as a
script) import nothing of either checkout but its app.py, so each runs its own checkout's code throughout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .compute import review_text
from .page_runs import PAGES, new_first_word
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


def compare(before: Path, repeats: int, words: int, only: tuple[str, ...] = ()) -> dict:
    """Per page (``only`` these, if given): new review and rerun, before and after, with the ratios after/before
    pair by pair."""
    pages = {name: path for name, path in {**PAGES, **EXTRA_PAGES}.items() if not only or name in only}
    workers = {"before": Worker(before), "after": Worker(ROOT)}
    text, fresh = review_text(words), iter(range(1, 10**6))
    try:
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
        return {"words": words, "repeats": repeats, "before": str(before), "rows": rows}
    finally:
        for w in workers.values():
            w.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the app to compare with (folder with app.py)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--pages", nargs="*", default=[], help="only these pages (default: every page with a review)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = parser.parse_args(argv)
    res = compare(args.before.resolve(), args.repeats, args.words, tuple(args.pages))
    lines = [
        [r["page"], kind, ms(r[kind]["before_s"]), ms(r[kind]["after_s"]), times_x(r[kind]["ratio"]),
         f"{r[kind]['before_bytes'] / 1e3:.0f} / {r[kind]['after_bytes'] / 1e3:.0f} kB"]
        for r in res["rows"] for kind in ("new", "rerun")
    ]  # fmt: skip
    title = f"Server run per interaction, {res['words']}-word review, {res['repeats']} interleaved pairs (median [min-max])"
    print(table(title, ["page", "interaction", "before", "after", "after/before", "chart bytes before / after"], lines))
    if args.json:
        print(json.dumps(res))


if __name__ == "__main__":
    main()
