"""What the pages say about the shipped models, computed from the models themselves.

A page never states a fact about a model that it has not just measured: each function here measures one
thing (verdicts on a pair of reviews, how much of the gradient reaches the first word, how long a first word
keeps its influence) and returns the numbers with the sentence that describes them, so the sentence changes
when the models do. The tests recompute the numbers from the shipped models and check the sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..model.lm_mood import MOOD_AIM
from ..model.network import SentimentRNN
from .gradients import ReviewGradients, StepNumbers, review_influence
from .pair import PairVerdict, join, pair_lesson
from .trace import trace

__all__ = ["PairVerdict", "join", "pair_lesson", "pair_verdicts"]  # the pair's words live in pair.py (no torch)

HALF = 0.5  # "keeps" a word while at least half of its influence is left


def pair_verdicts(models: Mapping[str, SentimentRNN], texts: tuple[str, str], expected: tuple[str, str]) -> list[PairVerdict]:
    """Each model's verdict on both texts (one sigmoid output each: P(positive))."""
    out = []
    for label, model in models.items():
        a, b = trace(model, texts[0]), trace(model, texts[1])
        out.append(PairVerdict(label, (float(a.probs[-1, -1]), float(b.probs[-1, -1])), (a.final_class, b.final_class), expected))
    return out


def verdicts_on(models: Mapping[str, SentimentRNN], text: str) -> dict[str, tuple[float, str]]:
    """Each model's P(positive) after the last word of ``text`` and the class it stands for."""
    out = {}
    for label, model in models.items():
        tr = trace(model, text)
        out[label] = (float(tr.probs[-1, -1]), tr.final_class)
    return out


def first_word_share(influence: np.ndarray) -> float:
    """Influence of the first word over the largest influence of any word of the same review."""
    influence = np.asarray(influence, dtype=float)
    return float(influence[0] / max(influence.max(), 1e-300))


def gradient_reach_lesson(shares: Mapping[str, float]) -> str:
    """How much of the gradient reaches the first word, per model, and which lets through the least."""
    listed = ", ".join(f"{label} {share:.2g}" for label, share in shares.items())
    text = f"Gradient reaching the first word, as a share of the word that matters most: {listed}."
    if len(shares) > 1:
        least = min(shares, key=shares.get)
        most = max(shares, key=shares.get)
        ratio = shares[most] / max(shares[least], 1e-300)
        text += f" The {least} lets the least through: {ratio:.3g} times less than the {most}."
    return text


def keeps_until(left: Mapping[int, float]) -> int | None:
    """The shortest review length at which less than half of the first word's influence is left (None: never)."""
    return next((n for n in sorted(left) if left[n] < HALF), None)


def first_word_lesson(left: Mapping[str, Mapping[int, float]]) -> str:
    """How long each model keeps its first word, read off the numbers (not what a textbook expects)."""
    parts = []
    for label, by_length in left.items():
        lengths = sorted(by_length)
        short = lengths[min(1, len(lengths) - 1)]
        n = keeps_until(by_length)
        kept = f"{label} keeps {by_length[short]:.0%} after {short} words"
        if n is None:
            parts.append(f"{kept} and still at least half at {lengths[-1]} words")
        else:
            parts.append(f"{kept} and drops below half at {n} words ({by_length[n]:.0%})")
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class OpeningSwap:
    """One model's final answer to the same long review with two openings of opposite sentiment."""

    model: str
    glowing: float  # P(positive) after the last word, glowing opening
    scathing: float  # the same, scathing opening
    first_share: float  # the glowing review's first-word influence over its largest

    @property
    def remembers(self) -> bool:
        """The opening still decides the answer: the verdicts differ."""
        return (self.glowing >= HALF) != (self.scathing >= HALF)


def opening_lesson(swaps: Sequence[OpeningSwap], words_between: int) -> str:
    """Whether the answer remembers the opening, set against how little gradient reaches it."""
    keep = [s.model for s in swaps if s.remembers]
    lose = [s.model for s in swaps if not s.remembers]
    text = ""
    if keep:
        text += (
            f"{join(keep)} still {'remembers' if len(keep) == 1 else 'remember'} the opening {words_between} words later: "
            "the verdict follows it. "
        )
    if lose:
        text += f"{join(lose)} {'gives' if len(lose) == 1 else 'give'} the same verdict whichever opening comes first. "
    faint = [s for s in swaps if s.remembers and s.first_share < 0.01]
    if faint:
        text += (
            f"Yet the gradient that reaches the first word is tiny ({', '.join(f'{s.model} {s.first_share:.1g}' for s in faint)}"
            " of the largest): units pushed to ±1 by tanh hold the opening, but tanh is flat there, so a small change "
            "to an early word hardly moves the answer. The memory is there; the signal that training needs to learn "
            "such memories is not."
        )
    return text.strip()


def opening_swaps(models: Mapping[str, SentimentRNN], glowing: str, scathing: str) -> list[OpeningSwap]:
    """Each model's final answer to both versions of a review, and how much gradient reaches the glowing one's first word."""
    out = []
    for label, model in models.items():
        influence = review_influence(model, glowing)
        a, b = trace(model, glowing), trace(model, scathing)
        out.append(OpeningSwap(label, float(a.probs[-1, -1]), float(b.probs[-1, -1]), first_word_share(influence)))
    return out


def why_rnn_vanishes(model_name: str, numbers: StepNumbers, grads: ReviewGradients, seq_len: int) -> str:
    """The plain RNN's step Jacobian in numbers: sigma_max(W_hh), tanh's slope and what they bound, on this review."""
    lags = {k: grads.lag_median(k) for k in (1, 2, 5, 10, 25) if k < seq_len}
    lag_text = "; ".join(f"{k} word{'s' * (k > 1)} back: {v:.2g}" for k, v in lags.items())
    if numbers.sigma_max < 1:
        bound = (
            f"Since σ_max < 1, every step shrinks a gradient by at least that factor: after 10 words it is at most "
            f"{numbers.sigma_max**10:.2g}."
        )
    else:
        bound = (
            "Since σ_max > 1, this bound alone does not force the gradient to shrink: a step can stretch some directions. "
            "Whether it vanishes depends on how the steps combine, which the triangle above measures."
        )
    return (
        "Going back one word, a plain RNN's gradient is multiplied by the step's Jacobian diag(1 - h_t²) · W_hh: once by "
        f"W_hh, and once by tanh's slope 1 - h_t², which is never above 1. In {model_name}, the largest singular value "
        f"of W_hh is **σ_max = {numbers.sigma_max:.3g}**; on this review tanh's slope averages **{numbers.mean_slope:.2f}** "
        f"and a step stretches a gradient by at most **{grads.typical_gain:.3g}** (geometric mean over the words). {bound}"
        + (f" Measured on this review (median of the triangle): {lag_text}." if lag_text else "")
    )


GATED_PATHS = {
    "LSTM": ("c_t = f · c_(t-1) + i · g", "forget gate f"),
    "GRU": ("h_t = (1 - z) · n + z · h_(t-1)", "update gate z"),
}


def why_gated_keeps(label: str, model_name: str, numbers: StepNumbers) -> str:
    """The gated cell's memory path and its keep gate on this review."""
    rule, gate = GATED_PATHS[label]
    return (
        f"**{label}** ({model_name}) carries its memory forward as {rule}: going back one word along that path "
        f"multiplies the gradient by the {gate} alone, with no W_hh and no tanh slope in the way. On this review "
        f"the {gate} averages **{numbers.mean_keep:.2f}** (1 = keep everything); σ_max of its stacked W_hh "
        f"is {numbers.sigma_max:.3g}."
    )


def decay_lesson(trained: Mapping[str, float], untrained: Mapping[str, float], length: int) -> str:
    """First word over last word at one length, trained against the untrained start, per model."""
    parts = [f"{label} {trained[label]:.3g} (untrained {untrained[label]:.3g})" for label in trained if label in untrained]
    return f"First word ÷ last word at {length} words: " + ", ".join(parts) + "."


def sigmoid_sum_lesson(text: str, total: float, sums: np.ndarray) -> str:
    """Where this text's three-sigmoid sum lies, and how far the whole dictionary's sums spread around 1."""
    low, high = float(np.min(sums)), float(np.max(sums))
    q1, q3 = (float(v) for v in np.percentile(sums, [25, 75]))
    if abs(total - 1.0) >= 0.2:
        verdict = "far from 1"
    else:
        verdict = "close to 1 here, by chance" if abs(total - 1.0) < 0.05 else "not 1"
    return (
        f"For “{text}” the three add up to **{total:.2f}**: {verdict}. Over all {len(sums):,} dictionary words read alone "
        f"the sum runs from {low:.2f} to {high:.2f}; half of the words lie between {q1:.2f} and {q3:.2f}: trained on "
        "the same labels, the three mostly agree, but nothing makes them add up to 1."
    )


def softmax_against_sigmoid_lesson(sigmoid_total: float) -> str:
    """Panel 3's remark: the same sums through sigmoid, and whether they happen to add to about 1."""
    if abs(sigmoid_total - 1.0) < 0.005:
        return f"they add to {sigmoid_total:.3f}, close to 1 for this text by chance, not by design."
    return f"they add to {sigmoid_total:.2f}, not 1."


def near_half_lesson(probs: Mapping[str, float]) -> str:
    """What one sigmoid says of neutral words: near 0.5, where an unsure review lands too (or, honestly, elsewhere)."""
    listed = " and ".join(f"“{w}” at {p:.2f}" for w, p in probs.items())
    if all(abs(p - 0.5) <= 0.1 for p in probs.values()):
        return f"The neutral words land near 0.5 ({listed}), where an unsure review lands too: one number cannot tell them apart."
    return f"The neutral words land at {listed}: a single sigmoid has no place of its own for neutral."


def memory_lesson(fillers: Sequence[int], median: Mapping[str, Sequence[float]], crossover: Mapping[str, int | None]) -> str:
    """What the reference runs of the memory task show, cell by cell, from their numbers."""
    parts = []
    for cell, values in median.items():
        n = crossover.get(cell)
        if n is None:
            parts.append(f"{cell} learns it at every L up to {fillers[-1]} (median held-out accuracy {min(values):.2f} or more)")
        else:
            k = list(fillers).index(n)
            kept = f"learns it up to L = {fillers[k - 1]} and " if k > 0 else ""
            parts.append(f"{cell} {kept}falls to chance from L = {n} ({values[k]:.2f})")
    return "; ".join(parts) + "."


MOOD_FOLLOWED = MOOD_AIM  # the share of written sentences judged as the label asked for that counts as "writes in that mood"
MOOD_MOSTLY = 0.7  # from this share on, the label steers most of what it writes
CHANCE_BAND = 0.1  # within this of one half, two labels are told apart no better than a coin would


def share_text(share: float) -> str:
    """A share of 200 or 400 sentences as people read it: '80%', '79.5%', '84.75%' (never rounded up to the aim)."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def label_agreement_lesson(rates: Mapping[str, float]) -> str:
    """What the judges' agreement with the conditional model's label says about the model (rates: judge -> share)."""
    if not rates:
        return ""
    low, high = min(rates.values()), max(rates.values())
    if low >= MOOD_FOLLOWED:
        return f"At least {share_text(low)} of its sentences read as the mood asked for: its one input, the label, steers what it writes."
    if high <= HALF + CHANCE_BAND:
        return (
            "That is about what a coin would give (50%): this model barely uses its one input, and what it writes "
            "does not follow the label it was given. The one-to-many shape itself is right; this small model, trained "
            "on a few thousand labelled sentences, did not learn to carry the label along."
        )
    if low >= MOOD_MOSTLY:
        other = round(1 / (1 - sum(rates.values()) / len(rates)))
        return (
            f"Between {share_text(low)} and {share_text(high)}: the label steers most of what it writes, not all of it; about one "
            f"sentence in {other} reads as the other mood to them."
        )
    return f"Between {share_text(low)} and {share_text(high)}: the label steers what it writes a little, often not at all."


PATHWAY_LITTLE = 0.05  # switching a way of reading the label off changes the judges' agreement by less: no difference
PATHWAY_NAMES = {
    "without_first_state_and_word_vector": "h₀ made from the label, together with the label's vector beside each word (W_lx)",
    "without_output_bias": "the label's bias on every word's score (b_label)",
}


def _shares(rates: Mapping[str, float]) -> str:
    return ", ".join(f"{judge} {share_text(r)}" for judge, r in rates.items())


def label_pathway_lesson(
    rates: Mapping[str, float], pathways: Mapping[str, Mapping[str, float]], samples: int | None = None
) -> str:
    """Which way of reading the label carries the mood: the judges' agreement (judge -> share) with each way switched
    off in turn (pathway -> judge -> share), against ``rates``, the agreement with every way on."""
    pathways = {
        p: r for p, r in pathways.items() if isinstance(r, Mapping) and r and all(isinstance(v, float) for v in r.values())
    }
    mean = {p: sum(r.values()) / len(r) for p, r in pathways.items()}
    if not rates or not mean:
        return ""
    full = sum(rates.values()) / len(rates)
    sentences = f"{samples} sentences" if isinstance(samples, int) else "sentences"
    chance = [p for p, m in mean.items() if m <= HALF + CHANCE_BAND]
    same = [p for p, m in mean.items() if abs(full - m) < PATHWAY_LITTLE]
    parts = []
    for p in mean:
        effect = " (no difference)" if p in same else " (no better than guessing, 50%)" if p in chance else ""
        parts.append(f"switching off {PATHWAY_NAMES.get(p, p)}: {_shares(pathways[p])}{effect}")
    text = (
        f"The model's ways of reading its label were switched off one at a time, and the same two sentiment models "
        f"judged the same {sentences} again. With everything on: {_shares(rates)}; " + "; ".join(parts) + "."
    )
    if chance == ["without_output_bias"] and "without_first_state_and_word_vector" in same:
        return text + (
            " So this model writes its mood through the bias the label adds to every word's score. Its first hidden "
            "state, where the one-to-many drawing puts the one input, is set from the label, but training did not make "
            "that path matter: it makes no measurable difference to how often a sentence reads as asked."
        )
    if chance:
        said = " and ".join(PATHWAY_NAMES.get(p, p) for p in chance)
        return text + f" So the mood is carried by {said}: without it, no better than guessing."
    return text + " Each carries part of the mood: without either, the sentences still read as asked more often than guessing."


def _share(value: object) -> float | None:
    """A share in (0, 1] from a card, or None."""
    return float(value) if isinstance(value, float | int) and not isinstance(value, bool) and 0 < value <= 1 else None


def _trained_and_set(calibration: object, strength: float) -> tuple[dict, dict] | None:
    """The tried entries for strength 1 (as trained) and for the strength set, if the card has both and its strength
    is the model file's."""
    if not isinstance(calibration, Mapping) or _share(calibration.get("target")) is None:
        return None
    tried = calibration.get("tried")
    if not isinstance(tried, Mapping) or calibration.get("strength") != strength:
        return None
    trained, chosen = tried.get("1"), tried.get(f"{strength:g}")
    if not isinstance(trained, Mapping) or not isinstance(chosen, Mapping):
        return None
    return dict(trained), dict(chosen)


def label_strength_lesson(calibration: object, judges: Sequence[str], strength: float) -> str:
    """Why the label's bias counts ``strength`` times (the model file's) in what the conditional model writes, from
    its card's calibration (lm_mood.calibrate_strength): what the judges made of the held-out sentences as trained and
    as set, and the dev perplexity it costs. Empty if the card does not say, or says another strength than the file."""
    pair = _trained_and_set(calibration, strength)
    if pair is None or not judges:
        return ""
    trained, chosen = pair
    target, samples = calibration["target"], calibration.get("samples")
    shares = [(j, _share(trained.get(j)), _share(chosen.get(j))) for j in judges]
    if not all(a is not None and b is not None for _, a, b in shares):
        return ""
    before = ", ".join(f"{j} {share_text(a)}" for j, a, _ in shares)
    after = ", ".join(f"{j} {share_text(b)}" for j, _, b in shares)
    other = f"{samples} other sentences" if isinstance(samples, int) else "other sentences"
    aim = f"the aim of {share_text(MOOD_AIM)} plus a margin for the sampling noise of 200 sentences"
    if strength == 1:
        reached = "" if calibration.get("reached") else f", short of {share_text(target)} ({aim})"
        return f"Its label's bias counts once, as trained: the judges called {before} of {other} as asked{reached}."
    ppl = [trained.get("dev_perplexity"), chosen.get("dev_perplexity")]
    cost = ""
    if all(isinstance(p, float) and p > 0 for p in ppl):
        rise, numbers = ppl[1] / ppl[0] - 1, f"dev perplexity {ppl[0]:.1f} as trained, {ppl[1]:.1f} now"
        how = "no worse" if rise <= 0 else "a little less well" if rise < 0.03 else "less well"
        cost = f" {'It' if rise <= 0 else 'The price: it'} fits real sentences {how} ({numbers})."
    return (
        f"After training, its label's bias was set to count {strength:g} times: as trained (once), the judges called "
        f"{before} of {other} (seeds other than the ones above) as asked; at {strength:g} times, {after}. "
        f"{strength:g} is the smallest strength tried at which every judge reached {share_text(target)} ({aim}).{cost}"
    )
