"""What the explorer reads from the treebank's training sentences at run time: where each unit fires most, and the
sentences whose final hidden state lies nearest a review's.

The treebank's text never ships with RNN Lens: these are computed from the data folder when it is there (the ui
caches them once per model), and the page says what it needs when it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model.network import SentimentRNN, class_name
from ..text.treebank import Phrase
from .atlas import answers, sentence_states

CONTEXTS = 5  # places per unit and sign, each ending on a different word
CONTEXT_WORDS = 5  # a context: the word where the unit was measured and up to four words before it
NEIGHBOURS = 5  # nearest sentences shown
FINE_LABELS = ("very negative", "negative", "neutral", "positive", "very positive")  # the treebank's labels 0..4
_CANDIDATES = 4000  # highest states looked at per unit when picking places with distinct words


@dataclass(frozen=True)
class TreebankStates:
    """One model's reading of the training sentences. S sentences, H hidden units, C outputs.

    ``context_refs`` (H, 2, CONTEXTS, 2) holds (sentence, position of the word) where each unit is highest
    ([:, 0], highest first) and lowest ([:, 1], lowest first); ``context_values`` (H, 2, CONTEXTS) the unit's h there.
    """

    sentences: tuple[Phrase, ...]
    final: np.ndarray  # (S, H) h after each sentence's last word
    final_probs: np.ndarray  # (S, C)
    context_refs: np.ndarray
    context_values: np.ndarray


def treebank_states(model: SentimentRNN, sentences: Sequence[Phrase]) -> TreebankStates:
    """Run every sentence through the model (batched) and keep what the explorer shows: final states and contexts."""
    ids = [model.vocab.encode(s.tokens) for s in sentences]
    states, offsets = sentence_states(model, ids)  # (N, H), (S + 1,)
    final = states[np.maximum(offsets[1:] - 1, 0)]  # (S, H)
    refs, values = unit_contexts(states, offsets, np.concatenate(ids))
    return TreebankStates(tuple(sentences), final, answers(model, final), refs, values)


def unit_contexts(
    states: np.ndarray, offsets: np.ndarray, token_ids: np.ndarray, n: int = CONTEXTS
) -> tuple[np.ndarray, np.ndarray]:
    """Where each unit is highest and lowest among ``states`` (N, H), each place ending on a different word.

    Args: states and offsets as from atlas.sentence_states; token_ids (N,) the word just read at each state.
    Returns refs (H, 2, n, 2): (sentence, position of the word) for [:, 0] the highest, [:, 1] the lowest states,
    and their values (H, 2, n); a unit with fewer distinct words than n repeats its last place.
    """
    hidden_size = states.shape[1]
    refs = np.zeros((hidden_size, 2, n, 2), dtype=np.int64)
    values = np.zeros((hidden_size, 2, n), dtype=np.float32)
    for unit in range(hidden_size):
        for side, sign in enumerate((1.0, -1.0)):
            score = sign * states[:, unit]  # (N,)
            take = min(_CANDIDATES, len(score))
            top = np.argpartition(-score, take - 1)[:take] if take < len(score) else np.arange(len(score))
            top = top[np.lexsort((top, -score[top]))]  # highest first; ties: the earlier place first
            chosen: list[int] = []
            seen: set[int] = set()
            for i in top:
                if int(token_ids[i]) not in seen:
                    seen.add(int(token_ids[i]))
                    chosen.append(int(i))
                    if len(chosen) == n:
                        break
            chosen += chosen[-1:] * (n - len(chosen))
            sentence = np.searchsorted(offsets, chosen, side="right") - 1
            refs[unit, side] = np.stack([sentence, np.asarray(chosen) - offsets[sentence]], axis=1)
            values[unit, side] = states[chosen, unit]
    return refs, values


def context_of(tokens: Sequence[str], position: int, width: int = CONTEXT_WORDS) -> str:
    """The word at ``position`` with up to width - 1 words before it ('…' first if the sentence begins earlier)."""
    start = max(0, position - width + 1)
    return ("… " if start > 0 else "") + " ".join(tokens[start : position + 1])


def unit_context_rows(ts: TreebankStates, unit: int) -> list[dict[str, str | float]]:
    """A table of one unit's places: where it is highest and lowest, side by side, with h there."""
    rows = []
    for k in range(ts.context_refs.shape[2]):
        row: dict[str, str | float] = {}
        for side, what in enumerate(("highest", "lowest")):
            sentence, position = ts.context_refs[unit, side, k]
            row[f"where it is {what}"] = context_of(ts.sentences[sentence].tokens, int(position))
            row[f"h ({what})"] = float(ts.context_values[unit, side, k])
        rows.append(row)
    return rows


def nearest(final_states: np.ndarray, h: np.ndarray, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """The k rows of ``final_states`` (S, H) with the largest cosine with ``h`` (H,): indices (k,) and cosines (k,).

    Ties go to the earlier row; a zero state has cosine 0 with everything.
    """
    final_states = np.asarray(final_states, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    norms = np.linalg.norm(final_states, axis=1) * np.linalg.norm(h)  # (S,)
    cosine = np.divide(final_states @ h, norms, out=np.zeros(len(final_states)), where=norms > 0)  # (S,)
    order = np.lexsort((np.arange(len(cosine)), -cosine))[:k]
    return order, cosine[order]


def neighbour_rows(ts: TreebankStates, h: np.ndarray, head: str, classes: tuple[str, ...]) -> list[dict[str, str | float]]:
    """The nearest training sentences to a final state ``h`` (H,): text, cosine, the treebank's label, the model's answer."""
    rows = []
    for i, cos in zip(*nearest(ts.final, h)):
        s, probs = ts.sentences[i], ts.final_probs[i]
        said = class_name(probs, head)
        answer = f"P(positive) {probs[0]:.3f}" if head == "sigmoid" else f"P({said}) {probs[classes.index(said)]:.3f}"
        rows.append({"sentence": " ".join(s.tokens), "cosine": float(cos), "treebank label": f"{FINE_LABELS[s.label]} ({s.label})",
                     "model's answer": f"{said}, {answer}"})  # fmt: skip
    return rows
