"""The article's forgetting example, measured: a sentence whose next word depends on an early word, short and then
with more and more words inserted in the middle.

For each length the models give (1) the probability of the right word, (2) the same with the early word swapped
for another (the clue taken away: what the model predicts without it), and (3) the influence of every word on the
right word's logit (completion.lm_influence, the Vanishing-gradients page's measure). The ratio of (1) to (2) is
how much the early word still moves the prediction: near 1, the model predicts as if it had never read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..model.language import LanguageRNN
from ..text.tokenizer import detokenize, readable, tokenize
from .completion import lm_influence, next_word_logits

STILL_USED = 1.5  # the early word "still counts" while it makes the right word at least 1.5 times as likely


@dataclass(frozen=True)
class Case:
    """A sentence written for the page, in versions with more and more words between the early word and the blank."""

    versions: tuple[str, ...]  # shortest first; each ends right before the blank
    target: str  # the right next word, as the dictionary spells it ("than", "''" for a closing quote)
    cue: str  # the early word it depends on, as the dictionary spells it ("more", "``")
    swap: str  # the dictionary word put in the cue's place in the control sentences
    names: tuple[str, str, str] = ("", "", "")  # how the page names target, cue and swap ("" : the word in quotes)

    def tokens(self, version: int, swapped: bool = False) -> list[str]:
        words = tokenize(self.versions[version])
        return [self.swap if swapped and t == self.cue else t for t in words]

    def name(self, which: str) -> str:
        """“than”, or the name the case gives it ("the closing quote"); which: "target", "cue" or "swap"."""
        given = self.names[("target", "cue", "swap").index(which)]
        return given or f"“{readable(getattr(self, which))}”"


@dataclass(frozen=True)
class ModelForgetting:
    """One model's numbers for every version of a case (N versions, the n-th with n inserted pieces)."""

    right: np.ndarray  # (N,) P(target) after the last word
    swapped: np.ndarray  # (N,) the same with the early word swapped
    rank: np.ndarray  # (N,) the target's rank among the 10,001 entries (1 = most probable)
    cue_share: np.ndarray  # (N,) influence of the early word ÷ that of the sentence's most influential word
    influence: list[np.ndarray]  # N rows of (T_n,) influence of each word (the start mark left out)

    @property
    def ratio(self) -> np.ndarray:
        """How many times likelier the right word is with the early word than without it, (N,)."""
        return self.right / self.swapped


@dataclass(frozen=True)
class Forgetting:
    case: Case
    texts: list[str]  # (N,) the sentences as people read them, shortest first
    tokens: list[list[str]]  # (N,) their words as people write them
    distances: list[int]  # (N,) words between the early word and the blank
    models: dict[str, ModelForgetting]


@torch.no_grad()
def _probs(model: LanguageRNN, tokens: list[str], target: int) -> tuple[float, int]:
    logits = next_word_logits(model, model.vocab.encode(tokens))[-1]  # (V,) after the last word
    probs = torch.softmax(logits, dim=-1)
    return float(probs[target]), int((probs > probs[target]).sum()) + 1


def measure(model: LanguageRNN, case: Case) -> ModelForgetting:
    """Every version of the case through one model."""
    target = model.vocab.stoi[case.target]
    right, swapped, ranks, shares, rows = [], [], [], [], []
    for n in range(len(case.versions)):
        words = case.tokens(n)
        p, rank = _probs(model, words, target)
        right.append(p)
        ranks.append(rank)
        swapped.append(_probs(model, case.tokens(n, swapped=True), target)[0])
        row = lm_influence(model, [model.eos_id, *model.vocab.encode(words)], target)[1:]  # (T,) the start mark left out
        shares.append(float(row[words.index(case.cue)] / row.max()))
        rows.append(row)
    return ModelForgetting(np.array(right), np.array(swapped), np.array(ranks), np.array(shares), rows)


def forgetting(models: Mapping[str, LanguageRNN], case: Case) -> Forgetting:
    """The case through every model, {label: model}."""
    tokens = [case.tokens(n) for n in range(len(case.versions))]
    distances = [len(t) - 1 - t.index(case.cue) for t in tokens]
    words = [[readable(t) for t in ts] for ts in tokens]
    texts = [detokenize(ts) for ts in tokens]
    return Forgetting(case, texts, words, distances, {label: measure(model, case) for label, model in models.items()})


def _times(x: float) -> str:
    return f"{x:.1f}×" if x < 10 else f"{x:.0f}×"


def probability(p: float) -> str:
    """A probability as the page writes it: three decimals, or two significant digits below 0.01 (never 0.000)."""
    return f"{p:.3f}" if p >= 0.01 else f"{p:.2g}"


def forgetting_lesson(result: Forgetting) -> list[str]:
    """One sentence per model on what it measurably does, from the numbers (the tests recompute them)."""
    case, lines = result.case, []
    first, last = result.distances[0], result.distances[-1]
    for label, m in result.models.items():
        ratio = m.ratio
        kept = [d for d, r in zip(result.distances, ratio) if r >= STILL_USED]
        still = (
            f"it still counts at every distance up to {last} words"
            if len(kept) == len(ratio)
            else f"it counts at {_distances(kept)} {'word' if kept == [1] else 'words'} between"
            if kept
            else "it counts at no distance measured"
        )
        lines.append(
            f"**{label}**: with {_words(first)} between {case.name('cue')} and the blank, {case.name('target')} is "
            f"{_times(ratio[0])} as likely as with {case.name('swap')} instead (P = {probability(m.right[0])}, rank {m.rank[0]}); with {_words(last)} "
            f"between, {_times(ratio[-1])} (P = {probability(m.right[-1])}, rank {m.rank[-1]}): {still} "
            f"(at least {STILL_USED:g}× as likely)."
        )
    reach = {label: _reach(result.distances, m.ratio) for label, m in result.models.items()}
    if len(reach) > 1:
        said = ", ".join(f"{label} {_words(r) if r else 'not even the shortest'}" for label, r in reach.items())
        lines.append(f"The longest distance at which {case.name('cue')} still counts: {said}.")
    return lines


def _reach(distances: Sequence[int], ratio: np.ndarray) -> int:
    """The longest distance up to which the early word counts at every version (0: not even at the shortest)."""
    reach = 0
    for d, r in zip(distances, ratio):
        if r < STILL_USED:
            break
        reach = d
    return reach


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


def _distances(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)
