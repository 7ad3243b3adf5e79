"""Three output heads on real output sums: one sigmoid, three sigmoids, softmax.

Everything here is arithmetic on the output sums z = W_hy h_T + b_y (the
logits after the last word), kept step by step (e^z, their total, e^z / total,
and the sigmoid of the same z) so a page can show each number and the tests
can check them against ``torch.softmax`` and ``torch.sigmoid``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..model.network import HEAD_CLASSES, SentimentRNN, class_name, probs_from_logits
from .trace import Trace, trace

WHATIF_RANGE = (-6.0, 6.0)  # wide enough for one sum to dominate, small enough that e^z stays readable
DEFAULT_BAND = (0.4, 0.6)  # a hand-drawn "neutral" band around 0.5 for the one-sigmoid model


@dataclass(frozen=True)
class HeadNumbers:
    """One head's output layer for one text, after its last word. Shapes: (C,) for C outputs."""

    head: str
    classes: tuple[str, ...]
    logits: np.ndarray  # (C,) the output sums z, before any activation
    probs: np.ndarray  # (C,) what the model itself outputs: probs_from_logits(z, head)
    exp: np.ndarray  # (C,) e^z
    softmax: np.ndarray  # (C,) e^z / sum(e^z)
    sigmoid: np.ndarray  # (C,) 1 / (1 + e^-z), each output on its own

    @property
    def exp_total(self) -> float:
        return float(self.exp.sum())

    @property
    def softmax_total(self) -> float:
        return float(self.softmax.sum())

    @property
    def sigmoid_total(self) -> float:
        return float(self.sigmoid.sum())

    @property
    def top_class(self) -> str:
        """The class with the largest output (for one sigmoid: positive if P(positive) >= 0.5)."""
        return class_name(self.probs, self.head)


def head_numbers(logits: Sequence[float] | np.ndarray, head: str) -> HeadNumbers:
    """Every step from output sums to outputs, in float64. logits: (C,)."""
    z = torch.as_tensor(np.asarray(logits, dtype=np.float64)).reshape(-1)  # (C,)
    exp = torch.exp(z)  # (C,)
    return HeadNumbers(
        head=head,
        classes=HEAD_CLASSES[head],
        logits=z.numpy(),
        probs=probs_from_logits(z, head).numpy(),
        exp=exp.numpy(),
        softmax=(exp / exp.sum()).numpy(),
        sigmoid=torch.sigmoid(z).numpy(),
    )


def from_trace(tr: Trace) -> HeadNumbers:
    """The head's numbers after the last word of a trace."""
    return head_numbers(tr.logits[-1], tr.head)


def compare_heads(models: Mapping[str, SentimentRNN], text: str) -> dict[str, HeadNumbers]:
    """For each model (by any name), the head's numbers after the last word of ``text``."""
    return {name: from_trace(trace(model, text)) for name, model in models.items()}


def what_if(negative: float, neutral: float, positive: float) -> HeadNumbers:
    """Three output sums chosen by hand, through softmax and through three sigmoids."""
    return head_numbers([negative, neutral, positive], "softmax")


def band_class(p_positive: float, low: float, high: float) -> str:
    """The class a hand-drawn band gives one sigmoid's P(positive): below, inside or above [low, high]."""
    if p_positive < low:
        return "negative"
    return "positive" if p_positive > high else "neutral"


def clipped(sums: Sequence[float], decimals: int | None = 2) -> tuple[float, float, float]:
    """Three sums kept inside WHATIF_RANGE, as the sliders hold them; rounded unless decimals is None.

    A model's own sums stay exact, so the what-if repeats the page's numbers to the last digit.
    """
    lo, hi = WHATIF_RANGE
    a, b, c = (float(np.clip(v if decimals is None else round(float(v), decimals), lo, hi)) for v in sums)
    return a, b, c


def whatif_preset(name: str, current: Sequence[float]) -> tuple[float, float, float]:
    """Sums for the what-if buttons: one much larger, all equal, or all shifted by +1 (kept in range)."""
    if name == "one_larger":
        return (0.0, 0.0, 4.0)
    if name == "equal":
        return (1.0, 1.0, 1.0)
    if name == "shift":
        return clipped([v + 1.0 for v in current])
    raise ValueError(f"unknown preset {name!r}")


@torch.no_grad()
def dictionary_sigmoid_sums(model: SentimentRNN) -> np.ndarray:
    """For every dictionary word read alone (not <pad> or <unk>), the sum of the sigmoids of its output sums. (V - 2,)

    Index k is the word with dictionary index k + 2. For three independent sigmoids nothing ties this sum to 1.
    """
    ids = torch.arange(2, model.config.vocab_size).view(-1, 1)  # (V - 2, 1) one word per review
    logits = model(ids)[:, -1]  # (V - 2, C)
    return torch.sigmoid(logits).sum(dim=-1).numpy()  # (V - 2,)
