"""The hidden-state explorer's analyses: a 2-D map of the state space, and what each unit responds to.

- The map: PCA of the hidden states after every word of many sentences (``fit_basis``), each axis oriented so
  that it points towards "positive" (the output weights' direction), and ``Basis.project`` to place any state.
- A unit's strongest words: the dictionary words whose first step alone (from h_0 = 0) drives the unit highest
  and lowest (``strongest_words``: one batched step over the whole dictionary).
- What a unit means for the answer: its weights to the output (``unit_report``, ``unit_meaning``).
Contexts in the treebank and nearest sentences, which need the treebank's text, are in ``treebank_states``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..model.network import SentimentRNN, probs_from_logits
from ..text.vocab import PAD, UNK
from .trace import Trace

AXES = 2  # the map is drawn on a screen
TOP_WORDS = 10  # strongest words per unit and sign: a short list a student can read at a glance
BATCH = 512  # sentences per batched forward pass (sorted by length, so little padding)


@dataclass(frozen=True)
class Basis:
    """Two principal axes of a cloud of hidden states.

    Shapes: mean (H,), components (2, H) orthonormal rows (a zero row if H < 2), explained (2,) the share of the
    cloud's total variance along each axis.
    """

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray

    def project(self, hidden: np.ndarray) -> np.ndarray:
        """States (..., H) -> map coordinates (..., 2)."""
        return (np.asarray(hidden, dtype=np.float64) - self.mean) @ self.components.T  # (..., 2)


def positive_direction(model: SentimentRNN) -> np.ndarray:
    """The direction in state space that raises "positive" most: W_hy's positive row (minus its negative one). (H,)"""
    w = model.W_hy.detach().numpy().astype(np.float64)  # (C, H)
    return w[-1] - w[0] if len(w) > 1 else w[0]


def fit_basis(states: np.ndarray, toward: np.ndarray | None = None) -> Basis:
    """PCA of ``states`` (N, H): the two axes of largest variance, from the eigenvectors of their covariance.

    Each axis's sign is fixed so that it points towards ``toward`` (H,) (e.g. positive_direction: "right is more
    positive"), or, if orthogonal to it, so that its largest loading is positive: the same states give the same map.
    """
    x = np.asarray(states, dtype=np.float64)
    mean = x.mean(axis=0)  # (H,)
    centred = x - mean  # (N, H)
    values, vectors = np.linalg.eigh(centred.T @ centred / len(x))  # ascending; vectors (H, H) in columns
    order = np.argsort(values, kind="stable")[::-1][:AXES]
    components = np.zeros((AXES, x.shape[1]))
    components[: len(order)] = vectors[:, order].T  # (k, H)
    for row in components[: len(order)]:
        lean = float(row @ toward) if toward is not None else 0.0
        if abs(lean) < 1e-12:
            lean = row[np.argmax(np.abs(row))]
        row *= np.sign(lean)
    total = values.clip(min=0).sum()
    explained = np.zeros(AXES)
    explained[: len(order)] = values[order].clip(min=0) / total if total > 0 else 0.0
    return Basis(mean=mean, components=components, explained=explained)


def review_path(basis: Basis, tr: Trace) -> np.ndarray:
    """The review's way through the map: h_0 = 0, then the state after each word. (T + 1, 2)"""
    start = np.zeros((1, tr.hidden.shape[1]))
    return basis.project(np.concatenate([start, tr.hidden]))  # (T + 1, 2)


@torch.no_grad()
def sentence_states(model: SentimentRNN, ids: Sequence[Sequence[int]], batch: int = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """h_t after every word of every sentence, the model's batched forward pass.

    Returns states (N, H) stacked sentence after sentence (N = all their words) and offsets (S + 1,): sentence s
    holds rows offsets[s]:offsets[s + 1]. Padding goes after the words, where it cannot change them.
    """
    lengths = np.array([len(s) for s in ids], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    out = np.zeros((offsets[-1], model.config.hidden_size), dtype=np.float32)
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch):
        chunk = [s for s in order[start : start + batch] if lengths[s]]
        if not chunk:
            continue
        padded = torch.zeros((len(chunk), int(lengths[chunk].max())), dtype=torch.long)  # (B, T)
        for row, s in enumerate(chunk):
            padded[row, : lengths[s]] = torch.as_tensor(list(ids[s]), dtype=torch.long)
        hidden = model.hidden_states(padded).numpy()  # (B, T, H)
        for row, s in enumerate(chunk):
            out[offsets[s] : offsets[s + 1]] = hidden[row, : lengths[s]]
    return out, offsets


@torch.no_grad()
def answers(model: SentimentRNN, states: np.ndarray) -> np.ndarray:
    """The model's answer if the text ended in each state: probs (N, C) from states (N, H)."""
    h = torch.as_tensor(np.asarray(states, dtype=np.float32))
    return probs_from_logits(h @ model.W_hy.t() + model.b_y, model.config.head).numpy()  # (N, C)


@dataclass(frozen=True)
class UnitWords:
    """Each unit's strongest dictionary words: ids (H, 2, K) and the unit's h_1 after each word read alone
    (values, same shape); [:, 0] the words that drive it highest (descending), [:, 1] lowest (ascending)."""

    ids: np.ndarray
    values: np.ndarray


@torch.no_grad()
def first_step_states(model: SentimentRNN) -> np.ndarray:
    """h_1 for every dictionary word read alone from h_0 = 0 (column i of W_x is word i's input). (V, H)"""
    columns = model.W_x.t()  # (V, G*H)
    return model.step(columns, model.initial_state(columns.shape[0]))[0].numpy()  # (V, H)


def word_mask(model: SentimentRNN) -> np.ndarray:
    """True for real dictionary words, False for <pad> and <unk>. (V,)"""
    return np.array([w not in (PAD, UNK) for w in model.vocab.itos])


def strongest_words(model: SentimentRNN, k: int = TOP_WORDS) -> UnitWords:
    """For every unit, the k dictionary words whose first step alone drives it highest and lowest.

    Ties (saturated units reach exactly ±1) go to the more frequent word (the dictionary is in frequency order).
    """
    words = np.flatnonzero(word_mask(model))  # (W,)
    values = first_step_states(model)[words].T.astype(np.float64)  # (H, W)
    high = np.argsort(-values, axis=1, kind="stable")[:, :k]  # (H, k)
    low = np.argsort(values, axis=1, kind="stable")[:, :k]  # (H, k)
    picked = np.stack([high, low], axis=1)  # (H, 2, k)
    return UnitWords(ids=words[picked], values=np.take_along_axis(values[:, None, :], picked, axis=2).astype(np.float32))


def unit_word_rows(words: UnitWords, unit: int, itos: Sequence[str]) -> list[dict[str, str | float]]:
    """A table of one unit's strongest words: those that drive it highest and lowest, side by side, with h_1."""
    rows = []
    for k in range(words.ids.shape[2]):
        high, low = words.ids[unit, :, k]
        rows.append({"drives it highest": itos[high], "h₁ (highest)": float(words.values[unit, 0, k]),
                     "drives it lowest": itos[low], "h₁ (lowest)": float(words.values[unit, 1, k])})  # fmt: skip
    return rows


@dataclass(frozen=True)
class UnitLines:
    """One unit along a review (each (T,)): h, and for LSTM and GRU its sigmoid gates, its tanh candidate, and
    the LSTM's memory cell c (not bounded to [-1, 1])."""

    hidden: np.ndarray
    gates: dict[str, np.ndarray]
    candidate: np.ndarray | None = None
    memory: np.ndarray | None = None


SIGMOID_GATES = {"rnn": (), "lstm": ("input", "forget", "output"), "gru": ("reset", "update")}


def unit_lines(tr: Trace, unit: int) -> UnitLines:
    """Unit ``unit``'s values after each word of a trace."""
    gates = {name: tr.gates[name][:, unit] for name in SIGMOID_GATES[tr.cell]}
    candidate = tr.gates["candidate"][:, unit] if "candidate" in tr.gates else None
    memory = tr.gates["cell"][:, unit] if "cell" in tr.gates else None
    return UnitLines(tr.hidden[:, unit], gates, candidate, memory)


def unit_order(model: SentimentRNN) -> np.ndarray:
    """Units by the size of their weights to the output (the norm of W_hy's column), largest first. (H,)"""
    size = np.linalg.norm(model.W_hy.detach().numpy().astype(np.float64), axis=0)  # (H,)
    return np.argsort(-size, kind="stable")


@dataclass(frozen=True)
class UnitReport:
    """One unit's weights to the output and what they do to a review's answer after its last word."""

    unit: int
    rank: int  # 1: the largest weights to the output of all units (unit_order)
    hidden_size: int
    classes: tuple[str, ...]
    head: str
    weights: tuple[float, ...]  # W_hy[k, unit] for each output k
    last_h: float  # h_T[unit]
    logits: tuple[float, ...]  # the review's whole logits after its last word
    probs: tuple[float, ...]

    @property
    def contributions(self) -> tuple[float, ...]:
        """What this unit adds to each logit after the last word: W_hy[k, unit] * h_T[unit]."""
        return tuple(w * self.last_h for w in self.weights)


def unit_report(model: SentimentRNN, tr: Trace, unit: int) -> UnitReport:
    """The numbers behind "what this unit means for the answer", for one unit and one review."""
    w = model.W_hy.detach().numpy().astype(np.float64)  # (C, H)
    order = unit_order(model)
    return UnitReport(
        unit=unit,
        rank=int(np.flatnonzero(order == unit)[0]) + 1,
        hidden_size=w.shape[1],
        classes=tr.classes,
        head=tr.head,
        weights=tuple(float(v) for v in w[:, unit]),
        last_h=float(tr.hidden[-1, unit]),
        logits=tuple(float(v) for v in tr.logits[-1]),
        probs=tuple(float(v) for v in tr.probs[-1]),
    )


def unit_meaning(r: UnitReport) -> str:
    """The unit's weight to the output in words (markdown), with what it adds to this review's answer."""
    place = "the" if r.rank == 1 else f"the {_ordinal(r.rank)}"
    rank = f"{place} largest of the {r.hidden_size} units" if r.hidden_size > 1 else "the only unit"
    if r.head == "sigmoid":
        w, c = r.weights[0], r.contributions[0]
        push = "up" if w > 0 else "down"
        return (
            f"**W_hy = {w:+.3f}** ({rank}). The answer is sigmoid(W_hy·h + b_y), so while this unit is above 0 it "
            f"pushes P(positive) {push}, and below 0 the other way, in proportion to |W_hy|. After this review's last "
            f"word h = {r.last_h:+.3f}: the unit adds {w:+.3f} × {r.last_h:+.3f} = **{c:+.3f}** to the logit "
            f"(all units with b_y: {r.logits[0]:+.3f}, so P(positive) = {r.probs[0]:.3f})."
        )
    fn = "softmax" if r.head == "softmax" else "three sigmoids"
    parts = ", ".join(f"{name} {w:+.3f}" for name, w in zip(r.classes, r.weights))
    adds = ", ".join(f"{c:+.3f} to {name}" for name, c in zip(r.classes, r.contributions))
    favours = r.classes[int(np.argmax(r.weights))]
    how = "softmax reads only the differences between logits" if r.head == "softmax" else "each sigmoid reads its own logit"
    return (
        f"**W_hy: {parts}** ({rank}, by the size of its three weights). The answers are {fn} of W_hy·h + b_y: while "
        f"this unit is above 0 it favours **{favours}** most. After this review's last word h = {r.last_h:+.3f}: it "
        f"adds {adds} ({how}; whole logits: " + ", ".join(f"{name} {v:+.3f}" for name, v in zip(r.classes, r.logits)) + ")."
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
