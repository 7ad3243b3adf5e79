"""Each page's server-side run through Streamlit's AppTest, against the home page's run in the same process.

What is timed is ``AppTest.run()``: the whole script (router, sidebar, page) plus AppTest's own bookkeeping,
after every page has been opened once (imports done, models loaded, the page-wide caches such as the
Vanishing-gradients decay curves filled). Two figures per page and review:
- "new review": a review no cache has seen, as when a visitor types one. Each run swaps the review's first word
  for another dictionary word (same length, so the same amount of work every repeat): the trace, the gradients
  and the figures built from them (shared between sessions by ui.figures.cached_figure) are all new.
- "rerun": the same page run again with nothing changed (all cached), e.g. moving a slider elsewhere.
The baseline is a rerun of the home page (text and a formula, no model): Streamlit's fixed cost per run.
"""

from __future__ import annotations

import functools
import itertools
import sys
import time

from rnn_core import tokenize

from .compute import review_text
from .timing import ROOT, stats

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # app.py imports ui

PAGES = {
    "word_by_word": "pages/word_by_word.py",
    "one_step": "pages/one_step.py",
    "vanishing": "pages/vanishing.py",
    "softmax": "pages/softmax.py",
}


@functools.cache
def _plain_words() -> tuple[str, ...]:
    from rnn_core.model.checkpoint import load_vocab

    return tuple(w for w in load_vocab().itos[2:] if w.isalpha())


def new_first_word(text: str, k: int) -> str:
    """``text`` with its first word replaced by the k-th plain alphabetic word of the dictionary (k >= 1)."""
    words = _plain_words()
    return " ".join([words[k % len(words)], *text.split()[1:]])


def _open(page: str | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    if page:
        at.switch_page(PAGES[page]).run()
    if page == "softmax":
        at.radio(key="heads_source").set_value("The shared review").run()  # the page reads one word by default
    return at


def timed_run(at) -> float:
    """Seconds for one AppTest run; a page that raises is an error, not a time."""
    t0 = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return seconds


def page_rows(review_words: dict[str, int | None], repeats: int) -> dict:
    """Run every page with every review; seconds per run and the ratio to a home-page rerun, interleaved.

    ``review_words``: label -> number of words (None: the page's default review).
    """
    fresh = itertools.count(1)
    home = _open(None)
    apps = {page: _open(page) for page in PAGES}
    default = apps["word_by_word"].text_area(key="review").value  # the review every page opens with
    texts = {label: default if n is None else review_text(n) for label, n in review_words.items()}
    for at in apps.values():  # warm-up: every page with every review once (models, decay curves, lazy imports)
        for text in texts.values():
            at.text_area(key="review").input(new_first_word(text, next(fresh)))
            timed_run(at)
    timed_run(home)
    rows = []
    for page, at in apps.items():
        for label, text in texts.items():
            new, rerun, base = [], [], []
            for _ in range(repeats):
                base.append(timed_run(home))
                at.text_area(key="review").input(new_first_word(text, next(fresh)))
                new.append(timed_run(at))
                rerun.append(timed_run(at))
            rows.append(
                {
                    "page": page,
                    "review": label,
                    "words": len(tokenize(text)),
                    "new_review": {"seconds": stats(new), "ratio": stats([n / b for n, b in zip(new, base)])},
                    "rerun": {"seconds": stats(rerun), "ratio": stats([r / b for r, b in zip(rerun, base)])},
                    "home_rerun": {"seconds": stats(base)},
                }
            )
    return {"rows": rows, "home_rerun": stats([timed_run(home) for _ in range(repeats)])}


def figure_rows(lengths: tuple[int, ...], repeats: int, min_seconds: float) -> list[dict]:
    """Where the Word-by-word page's time goes: the trace against building its two figures (and their JSON).

    The network figure holds one animation frame per word, so it grows with the review; the other holds the
    answers over the hidden states. The baseline is the trace of the same review (what the model computes).
    """
    from rnn_core import load_model, trace
    from rnn_core.figures.sequence import answer_state_figure, word_by_word_figure

    from .timing import compare

    model = load_model("rnn-sst2")
    rows = []
    for words in lengths:
        text = review_text(words)
        tr = trace(model, text)

        def build(tr=tr) -> tuple:
            network = word_by_word_figure(tr.words, tr.ids, tr.hidden, tr.probs, float(tr.start_probs[-1]))
            return network, answer_state_figure(tr.words, tr.hidden, tr.probs, tr.classes)

        figs = build()
        to_json = lambda figs=figs: [f.to_json() for f in figs]  # noqa: E731
        fns = {"trace": lambda text=text: trace(model, text), "figure": build, "figure_json": to_json}
        rows.append({"words": words, "json_mb": sum(map(len, to_json())) / 1e6, **compare(fns, "trace", repeats, min_seconds)})
    return rows
