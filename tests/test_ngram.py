"""The n-gram baseline: interpolated modified Kneser-Ney, checked by hand on a tiny corpus and for proper distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_core.model.ngram import KneserNey, ngram_perplexity, perplexity

# Indices: 0 <pad> (never predicted), 1 <unk>, 2 "a", 3 "b", 4 "c", 5 <eos> (start and end mark).
CORPUS = [[2, 3], [2, 3, 4], [3, 4], [2, 2, 3], [4]]
V, EOS = 6, 5


@pytest.fixture(params=[1, 2, 3, 4])
def model(request) -> KneserNey:
    return KneserNey(request.param, V, bos=EOS, eos=EOS, excluded=(0,)).fit(CORPUS)


def test_every_distribution_sums_to_one_and_never_predicts_pad(model):
    contexts = [[EOS] * 3, [EOS, EOS, 2], [2, 3, 4], [1, 1, 1], [4, 4, 2], [3, 2, 3]]  # seen and unseen
    for ctx in contexts:
        dist = model.distribution(ctx)
        assert dist[0] == 0 and (dist[1:] > 0).all()
        assert dist.sum() == pytest.approx(1.0, abs=1e-12)
        assert [model.prob(ctx, w) for w in range(V)] == pytest.approx(list(dist), abs=1e-12)


def test_unigram_level_by_hand():
    """Order 1: max(c(w) - D(c), 0) / N + gamma / 5, with D from the counts of counts and gamma = sum of discounts / N."""
    model = KneserNey(1, V, bos=EOS, eos=EOS, excluded=(0,)).fit(CORPUS)
    counts = {2: 4, 3: 4, 4: 3, 5: 5}  # each word once per occurrence, <eos> once per sentence; N = 16
    n1, n2, n3, n4 = 1, 1, 1, 2  # counts of counts (floored at 1): none once or twice, "c" 3 times, "a" and "b" 4 times
    y = n1 / (n1 + 2 * n2)
    d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
    gamma = sum(d[min(c, 3) - 1] for c in counts.values()) / 16
    for w, c in counts.items():
        assert model.prob([], w) == pytest.approx((c - d[2]) / 16 + gamma / 5)
    assert model.prob([], 1) == pytest.approx(gamma / 5)  # <unk> never seen: only the uniform share


def test_bigram_interpolates_continuation_counts():
    """Order 2, context "a": P(b | a) = (c(a b) - D) / c(a) + gamma(a) P_cont(b), P_cont from distinct left neighbours."""
    model = KneserNey(2, V, bos=EOS, eos=EOS, excluded=(0,)).fit(CORPUS)
    top = model.orders[2]
    assert dict(top.counts[(2,)]) == {3: 3, 2: 1}  # after "a": "b" three times, "a" once
    assert model.orders[1].counts[()][3] == 2  # "b" follows two different words: "a" and <eos>
    lower = model.prob([], 3)
    c_ab, c_a = 3, 4
    gamma = (top.discount(3) + top.discount(1)) / c_a
    assert model.prob([2], 3) == pytest.approx((c_ab - top.discount(3)) / c_a + gamma * lower)


def test_perplexity_of_a_uniform_guess_is_the_number_of_choices():
    assert perplexity([math.log(1 / 7)] * 5) == pytest.approx(7)
    unfit = KneserNey(3, V, bos=EOS, eos=EOS, excluded=(0,))
    for k in range(1, 4):
        unfit.orders[k].finish()
    assert ngram_perplexity(unfit, [[2, 3], [4]]) == pytest.approx(V - 1)  # nothing counted: uniform over 5 entries


def test_more_context_helps_on_the_training_text():
    ppl = [ngram_perplexity(KneserNey(n, V, EOS, EOS, (0,)).fit(CORPUS), CORPUS) for n in (1, 2, 3)]
    assert ppl[0] > ppl[1] > ppl[2] and np.isfinite(ppl).all()
