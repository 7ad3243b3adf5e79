"""The Hidden-state explorer's server-side run for a new review, against the Word-by-word page's in the same process.

    python -m bench.explorer [--words 50] [--repeats 7] [--model rnn-sst2]

Both pages run through Streamlit's AppTest (router, sidebar, page), after a warm-up that opens each once with every
review length (imports, the model, the atlas, and the treebank's states when RNN_LENS_DATA is set). Each repeat
swaps the review's first word for another dictionary word (the same length, so the same work), so the trace, the
map, the unit atlas and the nearest sentences are all new; the pages alternate, so load from other work on the
machine hits both. Prints seconds per run (median [min-max]) and the ratio explorer / word by word per repeat.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys

import torch

from .compute import review_text
from .page_runs import new_first_word, timed_run
from .timing import ROOT, ms, stats, times_x

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # app.py imports ui

PAGES = {"word_by_word": "pages/word_by_word.py", "explorer": "pages/explorer.py"}


def _open(page: str, model: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.selectbox(key="model").set_value(model).run()
    return at.switch_page(PAGES[page]).run()


def _run(at, text: str) -> float:
    at.text_area(key="review").input(text)
    return timed_run(at)


def measure(words: int, repeats: int, model: str) -> dict:
    torch.set_num_threads(1)  # as the server: one thread per request
    fresh = itertools.count(1)
    text = review_text(words)
    apps = {page: _open(page, model) for page in PAGES}
    for at in apps.values():  # warm-up
        for _ in range(2):
            _run(at, new_first_word(text, next(fresh)))
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    for r in range(repeats):
        for page in list(PAGES)[r % 2 :] + list(PAGES)[: r % 2]:
            times[page].append(_run(apps[page], new_first_word(text, next(fresh))))
    ratio = [e / w for e, w in zip(times["explorer"], times["word_by_word"])]
    return {"model": model, "words": words, "seconds": {p: stats(t) for p, t in times.items()}, "ratio": stats(ratio)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--model", default="rnn-sst2")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = parser.parse_args(argv)
    result = measure(args.words, args.repeats, args.model)
    s = result["seconds"]
    print(f"new {args.words}-word review, {args.model}, {args.repeats} repeats after warm-up (AppTest, server side):")
    print(f"  Hidden-state explorer  {ms(s['explorer'])}")
    print(f"  Word by word           {ms(s['word_by_word'])}")
    print(f"  explorer / word by word {times_x(result['ratio'])}")
    if args.json:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
