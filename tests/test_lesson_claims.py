"""Every claim a page makes about the shipped models is true of them.

The lesson's content (rnn_core/lesson.py) states which models read each example like a reader, which built-in words
have three sigmoids far from 1, which words one sigmoid puts near 0.5; the pages compute their other sentences
live (rnn_core/explain/claims.py). These tests recompute both from the shipped weights: when a model changes and
a claim stops being true, a test here fails until the text or the example changes.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_core import load_model, tokenize, trace
from rnn_core.explain import claims
from rnn_core.explain.gradients import review_influence
from rnn_core.explain.output_heads import dictionary_sigmoid_sums
from rnn_core.lesson import (
    CELL_MODELS,
    EXAMPLES,
    EXPECTED,
    HEAD_MODELS,
    LONG_EXAMPLE,
    LONG_SCATHING,
    NEUTRAL_WORDS,
    ORDER_PAIR,
    ORDER_PAIR_READER,
    PLAIN_MIDDLE,
    SUM_FAR_FROM_ONE,
    WORDS,
)
from rnn_core.model.checkpoint import MODELS_DIR
from rnn_core.model.network import class_name
from tests.conftest import chart, open_app
from tests.figdata import array

LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
SHIPPED = all((MODELS_DIR / f"{n}.pt").is_file() for n in [*CELL_MODELS.values(), *HEAD_MODELS.values()])
needs_models = pytest.mark.skipif(not SHIPPED, reason="the shipped models are not all in assets/models")


@pytest.fixture(scope="module")
def cells() -> dict[str, object]:
    return {LABELS[cell]: load_model(name) for cell, name in CELL_MODELS.items()}


# ---- The lesson's own statements, against the shipped models ---------------------------------------------------


@needs_models
@pytest.mark.parametrize("title", [t for t, e in EXAMPLES.items() if e.reader])
def test_each_example_is_read_right_by_exactly_the_models_it_names(title):
    example = EXAMPLES[title]
    right = {name for name in CELL_MODELS.values() if trace(load_model(name), example.text).final_class == example.reader}
    assert right == set(example.right_for), f"{title}: right for {sorted(right)}, the lesson says {sorted(example.right_for)}"


def test_examples_are_in_the_dictionary_and_readers_are_classes():
    for title, example in EXAMPLES.items():
        assert example.reader in (None, "negative", "positive"), title
        assert example.right_for <= set(CELL_MODELS.values()), title
        assert tokenize(example.text), title
    assert set(WORDS) == set(EXPECTED) and set(SUM_FAR_FROM_ONE) <= set(WORDS) and set(NEUTRAL_WORDS) <= set(WORDS)


@needs_models
def test_built_in_words_far_from_one_are_far_from_one():
    model = load_model(HEAD_MODELS["sigmoid3"])
    for word in WORDS:
        total = float(trace(model, word).probs[-1].sum())
        assert (abs(total - 1.0) >= 0.2) == (word in SUM_FAR_FROM_ONE), f"{word}: three sigmoids add up to {total:.3f}"
    assert abs(float(trace(model, WORDS[0]).probs[-1].sum()) - 1.0) >= 0.2  # the page opens on a word far from 1


@needs_models
def test_one_sigmoid_puts_the_neutral_words_near_one_half():
    model = load_model(HEAD_MODELS["sigmoid"])
    for word in NEUTRAL_WORDS:
        assert abs(float(trace(model, word).probs[-1, 0]) - 0.5) <= 0.1, word


@needs_models
def test_dictionary_sums_are_the_models_own():
    model = load_model(HEAD_MODELS["sigmoid3"])
    sums = dictionary_sigmoid_sums(model)
    for index in (2, 17, 4321, len(model.vocab) - 1):
        with torch.no_grad():
            direct = torch.sigmoid(model(torch.tensor([[index]]))[0, -1]).sum()
        assert sums[index - 2] == pytest.approx(float(direct), abs=1e-6)


# ---- What the pages say, recomputed --------------------------------------------------------------------------


@needs_models
def test_home_page_shows_each_models_live_verdict_on_the_pair(cells):
    at = open_app()
    assert not at.exception
    verdicts = claims.pair_verdicts(cells, ORDER_PAIR, ORDER_PAIR_READER)
    for v in verdicts:
        for text, p, said in zip(ORDER_PAIR, v.probs, v.verdicts):
            tr = trace(cells[v.model], text)
            assert p == pytest.approx(float(tr.probs[-1, 0]), abs=1e-6) and said == class_name(tr.probs[-1], "sigmoid")
    bars = chart(at, "home_pair_chart")["data"]
    for k, bar in enumerate(bars):
        np.testing.assert_allclose(array(bar["y"]), [v.probs[k] for v in verdicts], atol=1e-6)
    assert claims.pair_lesson(verdicts) in [m.value for m in at.markdown]


@needs_models
def test_vanishing_page_sentences_are_the_shipped_models_numbers(cells):
    at = open_app("pages/vanishing.py")
    assert not at.exception and not at.error
    text = EXAMPLES[LONG_EXAMPLE].text
    shares = {label: claims.first_word_share(review_influence(m, text)) for label, m in cells.items()}
    shown = [m.value for m in at.markdown]
    assert claims.gradient_reach_lesson(shares) in shown
    swaps = claims.opening_swaps(cells, text, LONG_SCATHING)
    assert claims.opening_lesson(swaps, len(tokenize(PLAIN_MIDDLE))) in shown


@needs_models
def test_the_long_example_shows_a_fading_gradient(cells):
    """The page opens on this review because the plain RNN's gradient fades over it: less reaches its first word
    than for either gated cell, and less than a hundredth of its largest."""
    text = EXAMPLES[LONG_EXAMPLE].text
    shares = {label: claims.first_word_share(review_influence(m, text)) for label, m in cells.items()}
    assert shares["RNN"] < 0.01 and shares["RNN"] < min(shares["LSTM"], shares["GRU"]), shares


@needs_models
def test_softmax_page_sentences_are_the_shipped_models_numbers():
    at = open_app("pages/softmax.py")
    assert not at.exception and not at.error
    shown = " ".join(m.value for m in at.markdown)
    word = WORDS[0]
    s3 = load_model(HEAD_MODELS["sigmoid3"])
    total = float(trace(s3, word).probs[-1].sum())
    assert claims.sigmoid_sum_lesson(word, total, dictionary_sigmoid_sums(s3)) in shown
    one = load_model(HEAD_MODELS["sigmoid"])
    assert claims.near_half_lesson({w: float(trace(one, w).probs[-1, 0]) for w in NEUTRAL_WORDS}) in shown


# ---- The sentences themselves (logic, tiny numbers) ------------------------------------------------------------


def verdict(model: str, a: str, b: str) -> claims.PairVerdict:
    probs = {"negative": 0.2, "positive": 0.8}
    return claims.PairVerdict(model, (probs[a], probs[b]), (a, b), ("negative", "positive"))


def test_pair_lesson_says_who_is_right_and_why_a_plain_rnn_is_not():
    text = claims.pair_lesson([verdict("RNN", "negative", "negative"), verdict("LSTM", "negative", "positive"),
                               verdict("GRU", "negative", "positive")])  # fmt: skip
    assert text.startswith("LSTM and GRU tell the two apart; RNN calls both negative.")
    assert "adds up the evidence" in text and "gates of the LSTM and GRU" in text
    assert claims.pair_lesson([verdict("RNN", "negative", "positive")]).startswith("RNN tells the two apart")
    everyone = claims.pair_lesson([verdict("RNN", "negative", "positive"), verdict("GRU", "negative", "positive")])
    assert everyone.startswith("RNN and GRU both tell the two apart") and "adds up" not in everyone
    three = [verdict(m, "negative", "positive") for m in ("RNN", "LSTM", "GRU")]
    assert claims.pair_lesson(three).startswith("RNN, LSTM and GRU all tell the two apart")
    nobody = claims.pair_lesson([verdict("RNN", "positive", "negative"), verdict("GRU", "positive", "positive")])
    assert nobody.startswith("None of them") and "RNN reads both the wrong way round" in nobody and "gates" not in nobody


def test_first_word_lesson_reads_the_numbers():
    left = {"RNN": {3: 1.1, 6: 1.05, 12: 0.6, 25: 0.4, 50: 0.1}, "GRU": {3: 1.0, 6: 0.9, 12: 0.8, 25: 0.7, 50: 0.6}}
    text = claims.first_word_lesson(left)
    assert "RNN keeps 105% after 6 words and drops below half at 25 words (40%)" in text
    assert "GRU keeps 90% after 6 words and still at least half at 50 words" in text
    assert claims.keeps_until({3: 0.3}) == 3 and claims.keeps_until({3: 0.5}) is None


def test_opening_lesson_tells_memory_from_gradient():
    swaps = [claims.OpeningSwap("RNN", 0.9, 0.2, 0.0003), claims.OpeningSwap("LSTM", 0.9, 0.6, 0.08)]
    text = claims.opening_lesson(swaps, 45)
    assert text.startswith("RNN still remembers the opening 45 words later") and "LSTM gives the same verdict" in text
    assert "RNN 0.0003 of the largest" in text
    assert "tiny" not in claims.opening_lesson([claims.OpeningSwap("GRU", 0.9, 0.2, 0.2)], 45)


def test_sum_and_neutral_lessons():
    sums = np.array([0.7, 0.99, 1.0, 1.01, 1.5])
    assert "far from 1" in claims.sigmoid_sum_lesson("vague", 1.35, sums)
    assert "by chance" in claims.sigmoid_sum_lesson("the", 1.001, sums)
    assert "not 1" in claims.softmax_against_sigmoid_lesson(1.3) and "by chance" in claims.softmax_against_sigmoid_lesson(1.001)
    assert "near 0.5" in claims.near_half_lesson({"the": 0.54}) and "no place" in claims.near_half_lesson({"the": 0.8})
    assert claims.join(["A"]) == "A" and claims.join(["A", "B", "C"]) == "A, B and C"
