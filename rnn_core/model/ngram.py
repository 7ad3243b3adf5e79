"""The baseline: an interpolated, modified Kneser-Ney n-gram model (Chen and Goodman, 1998) over the same words.

Sentences are read as the recurrent language models read them: n - 1 <eos> marks before the first word (the
start), one after the last (the end, which is predicted too). For the highest order n,

    P(w | h) = max(c(h w) - D(c(h w)), 0) / c(h) + gamma(h) P(w | h'),  h' = h without its first word,
    gamma(h) = (D1 N1(h .) + D2 N2(h .) + D3 N3+(h .)) / c(h),

where N1(h .) counts the words seen exactly once after h (N2 twice, N3+ three times or more). Lower orders use
the same formula with continuation counts (the number of different words seen before h w) in place of c; below the
unigrams lies the uniform distribution over the model's words. An unseen context falls through to the next order.
Discounts per order from the counts of counts: Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2,
D3 = 3 - 4Y n4/n3.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class _Order:
    """Counts of one order: context -> word -> count (raw for the highest order, continuation counts below)."""

    counts: dict[tuple[int, ...], Counter] = field(default_factory=lambda: defaultdict(Counter))
    discounts: tuple[float, float, float] = (0.5, 1.0, 1.5)
    totals: dict[tuple[int, ...], int] = field(default_factory=dict)
    gammas: dict[tuple[int, ...], float] = field(default_factory=dict)

    def finish(self) -> None:
        """Discounts from the counts of counts, then each context's total and the weight left for the lower order."""
        of = Counter(c for words in self.counts.values() for c in words.values())
        n1, n2, n3, n4 = (max(of[k], 1) for k in (1, 2, 3, 4))
        y = n1 / (n1 + 2 * n2)
        self.discounts = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
        for ctx, words in self.counts.items():
            total = sum(words.values())
            left = sum(self.discount(c) for c in words.values())
            self.totals[ctx], self.gammas[ctx] = total, left / total

    def discount(self, count: int) -> float:
        return 0.0 if count == 0 else self.discounts[min(count, 3) - 1]


class KneserNey:
    """An interpolated modified Kneser-Ney model of order ``order`` over word indices ``0 .. vocab_size - 1``.

    ``bos`` (the start mark) and ``eos`` (the end) are indices of the same dictionary (RNN Lens uses <eos> for
    both); ``excluded`` indices (<pad>) are never predicted, so every distribution sums to 1 over the others.
    """

    def __init__(self, order: int, vocab_size: int, bos: int, eos: int, excluded: Sequence[int] = ()) -> None:
        if order < 1:
            raise ValueError("order must be >= 1")
        self.order, self.vocab_size, self.bos, self.eos = order, vocab_size, bos, eos
        self.excluded = tuple(excluded)
        self.support = vocab_size - len(self.excluded)  # the words a distribution is spread over
        self.orders = [_Order() for _ in range(order + 1)]  # index k: contexts of k - 1 words; 0 unused

    def padded(self, ids: Sequence[int]) -> list[int]:
        return [self.bos] * (self.order - 1) + list(ids) + [self.eos]

    def fit(self, sentences: Iterable[Sequence[int]]) -> KneserNey:
        """Count every n-gram of every sentence, then the continuation counts of the lower orders."""
        n = self.order
        top = self.orders[n].counts
        for ids in sentences:
            seq = self.padded(ids)
            for i in range(n - 1, len(seq)):
                top[tuple(seq[i - n + 1 : i])][seq[i]] += 1
        for k in range(n, 1, -1):  # N1+(. h w): each distinct k-gram adds 1 to its (k-1)-gram's continuation count
            lower = self.orders[k - 1].counts
            for ctx, words in self.orders[k].counts.items():
                for w in words:
                    lower[ctx[1:]][w] += 1
        for k in range(1, n + 1):
            self.orders[k].finish()
        return self

    def prob(self, context: Sequence[int], word: int) -> float:
        """P(word | the last order - 1 words of context), context already padded with the start marks."""
        if word in self.excluded:
            return 0.0
        p = 1.0 / self.support
        for k in range(1, self.order + 1):  # from the unigrams up: each order interpolates with the one below
            level = self.orders[k]
            ctx = tuple(context[len(context) - k + 1 :]) if k > 1 else ()
            total = level.totals.get(ctx)
            if total:
                count = level.counts[ctx].get(word, 0)
                p = max(count - level.discount(count), 0.0) / total + level.gammas[ctx] * p
        return p

    def distribution(self, context: Sequence[int]) -> np.ndarray:
        """P(w | context) for every index w, (vocab_size,); 0 for the excluded ones."""
        p = np.full(self.vocab_size, 1.0 / self.support)  # (V,)
        p[list(self.excluded)] = 0.0
        for k in range(1, self.order + 1):
            level = self.orders[k]
            ctx = tuple(context[len(context) - k + 1 :]) if k > 1 else ()
            total = level.totals.get(ctx)
            if total:
                p *= level.gammas[ctx]
                for w, count in level.counts[ctx].items():
                    p[w] += (count - level.discount(count)) / total
        return p

    def sentence_log_probs(self, ids: Sequence[int]) -> list[float]:
        """Natural log of P(each word | what came before) for a sentence's words and its end."""
        seq = self.padded(ids)
        n = self.order
        return [math.log(self.prob(seq[i - n + 1 : i], seq[i])) for i in range(n - 1, len(seq))]


def perplexity(log_probs: Iterable[float]) -> float:
    """exp of the mean negative log-probability per predicted token."""
    values = list(log_probs)
    return math.exp(-sum(values) / len(values))


def ngram_perplexity(model: KneserNey, sentences: Iterable[Sequence[int]]) -> float:
    """Perplexity over every word and every sentence end."""
    return perplexity(lp for ids in sentences for lp in model.sentence_log_probs(ids))
