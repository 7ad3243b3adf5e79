"""What a conditional language model writes, read by the sentiment models: how often they call its sentences the
label it was asked for (the card's ``label_agreement``), how much of that each way of reading the label carries
(``label_pathways``), and the strength of the label's bias, set after training on sentences other than the card's
(``label_strength``).

A model trained for the lowest perplexity writes about as moody as the treebank's sentences, and the judges call
about four real sentences in five as people do; the label's bias counted a little more than once makes its sentences
read as asked more often, at a small cost in perplexity. ``calibrate_strength`` takes the smallest strength that
meets the aim on 400 held-out sentences, and the card keeps what it tried.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import torch

from .checkpoint import load_model
from .language import LABELS, MAX_SENTENCE, WRITE_TEMPERATURE, WRITE_UNKNOWN, LanguageRNN, sample_ids
from .network import SentimentRNN, class_indices

JUDGES = ("rnn-sst2", "gru-sst2")  # the sentiment models that read the conditional model's sentences
SAMPLES = 200  # sentences written for the conditional model's card, half per label
SAMPLE_SEED = 2024  # the seed of the first of them (sentence i: seed + i), so the card can be rebuilt exactly
MOOD_AIM = 0.8  # the share of its sentences both judges should call the label asked for
STRENGTHS = tuple(round(1 + 0.05 * k, 2) for k in range(11))  # the label's bias counted 1, 1.05, ..., 1.5 times
CALIBRATION_SEEDS = (5000, 7000)  # 200 sentences from each: seeds 5000-5199 and 7000-7199, none of the card's
# The aim plus 1.5 standard errors of a share of 200 sentences (one standard error: sqrt(0.8 * 0.2 / 200), 2.8 points),
# to two places: 0.84. A strength that reaches it on 400 sentences leaves a fresh 200 above the aim most of the time
# (below it about one time in 19 per judge, if 84% were the true share).
CALIBRATION_TARGET = round(MOOD_AIM + 1.5 * math.sqrt(MOOD_AIM * (1 - MOOD_AIM) / SAMPLES), 2)


def written_sentences(
    model: LanguageRNN, samples: int = SAMPLES, seed: int = SAMPLE_SEED, temperature: float = WRITE_TEMPERATURE
) -> list[tuple[list[int], int]]:
    """``samples`` sentences from a conditional model, alternating labels (0, 1, 0, ...); sentence i uses seed + i."""
    out = []
    for i in range(samples):
        label = i % len(LABELS)
        words = sample_ids(model, [], MAX_SENTENCE, temperature, 0, seed + i, label, WRITE_UNKNOWN)
        out.append(([w for w in words if w != model.eos_id] or [model.vocab.unk_id], label))
    return out


@torch.no_grad()
def judged_as_asked(judge: SentimentRNN, written: list[tuple[list[int], int]]) -> int:
    """How many of the written sentences the judge calls the label they were written from (its answer after the last word)."""
    return sum(int(class_indices(judge.probs(torch.tensor([ids]))[0, -1])) == label for ids, label in written)


@torch.no_grad()
def label_agreement(
    model: LanguageRNN, judges: tuple[str, ...] = JUDGES, samples: int = SAMPLES, temperature: float = WRITE_TEMPERATURE
) -> dict:
    """How often each sentiment model calls the conditional model's sentences (no top-k) the label asked for."""
    written = written_sentences(model, samples, temperature=temperature)
    out: dict = {"samples": samples, "temperature": temperature, "top_k": 0, "unknown": WRITE_UNKNOWN, "seed": SAMPLE_SEED}
    for name in judges:
        out[name] = round(judged_as_asked(load_model(name), written) / samples, 4)
    return out


# The ways a conditional model that reads its label at every step can carry it, each taken out in turn (its weights
# set to zero) to see how much of the mood is left: the label's first hidden state (W_label: h_0 = tanh(0) = 0, as
# an unconditional model starts) with its vector beside every word (W_lx), or its bias on every step's scores.
PATHWAYS = {"without_first_state_and_word_vector": ("W_label", "W_lx"), "without_output_bias": ("b_label",)}


@torch.no_grad()
def label_pathways(model: LanguageRNN, judges: tuple[str, ...] = JUDGES, samples: int = SAMPLES) -> dict:
    """label_agreement of the model with each pathway of PATHWAYS taken out (the same sentences' seeds)."""
    if not model.reads_label_each_step:
        return {}
    out = {}
    for name, weights in PATHWAYS.items():
        kept = {w: getattr(model, w).detach().clone() for w in weights}
        try:
            for w in weights:
                getattr(model, w).zero_()
            agreement = label_agreement(model, judges, samples)
        finally:
            for w, value in kept.items():
                getattr(model, w).copy_(value)
        out[name] = {j: agreement[j] for j in judges}
    return out


def with_strength(model: LanguageRNN, strength: float) -> LanguageRNN:
    """The model with its label's bias counted ``strength`` times (its config replaced; the weights stay as trained)."""
    model.config = replace(model.config, label_strength=float(strength))
    return model


def first_meeting(tried: dict[float, dict[str, float]], judges: tuple[str, ...], target: float) -> float | None:
    """The smallest strength at which every judge's share reaches ``target`` (tried: strength -> judge -> share)."""
    met = [s for s, shares in tried.items() if all(shares.get(j, 0.0) >= target for j in judges)]
    return min(met) if met else None


@torch.no_grad()
def calibration_shares(model: LanguageRNN, judges: dict[str, SentimentRNN], seeds=CALIBRATION_SEEDS) -> dict[str, float]:
    """Each judge's share of the sentences written from ``seeds`` (SAMPLES each) that reads as the label asked for."""
    written = [pair for seed in seeds for pair in written_sentences(model, SAMPLES, seed)]
    return {name: round(judged_as_asked(judge, written) / len(written), 4) for name, judge in judges.items()}


def calibrate_strength(
    model: LanguageRNN,
    judges: tuple[str, ...] = JUDGES,
    dev_perplexity: Callable[[LanguageRNN], float] | None = None,
    strengths: tuple[float, ...] = STRENGTHS,
    target: float = CALIBRATION_TARGET,
) -> dict:
    """Set the model's label strength: the smallest of ``strengths`` at which every judge calls at least ``target``
    of the calibration sentences (CALIBRATION_SEEDS, none of the card's) the label asked for; 1 (as trained) if none
    does. Returns what the card keeps: the strength, the rule and every strength tried with its shares (and dev
    perplexity, if ``dev_perplexity`` is given). A model that does not read its label at every step is left as it is."""
    if not model.reads_label_each_step:
        return {}
    readers = {name: load_model(name) for name in judges}
    tried: dict[float, dict[str, float]] = {}
    for strength in strengths:
        tried[strength] = calibration_shares(with_strength(model, strength), readers)
        if dev_perplexity is not None:
            tried[strength]["dev_perplexity"] = round(dev_perplexity(model), 3)
        if first_meeting({strength: tried[strength]}, judges, target) is not None:
            break
    chosen = first_meeting(tried, judges, target)
    with_strength(model, 1.0 if chosen is None else chosen)
    return {
        "strength": model.config.label_strength,
        "rule": "after training, the smallest strength of the label's bias at which every judge calls at least the "
        "target share of the sentences written from these seeds the label asked for (1, as trained, if none does)",
        "reached": chosen is not None,
        "target": target,
        "aim": MOOD_AIM,
        "seeds": [[seed, seed + SAMPLES - 1] for seed in CALIBRATION_SEEDS],
        "samples": SAMPLES * len(CALIBRATION_SEEDS),
        "tried": {f"{s:g}": shares for s, shares in tried.items()},
    }
