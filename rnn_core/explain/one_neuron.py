"""The numbers of the two RNN equations for one hidden unit, word by word, for the Inside-one-step page.

For a one-neuron network (hidden_size 1) every quantity is a single number:
sum = w_i * 1 + w_hh * h_{t-1} + b_h, h_t = tanh(sum), y_t = sigmoid(w_hy * h_t + b_y).
For a bigger network the first two equations are shown for one chosen unit j,
with the full recurrent sum W_hh[j, :] . h_{t-1} over every unit; the output
y_t = sigmoid(W_hy . h_t + b_y) always reads all units, so it is not per unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.network import SentimentRNN
from ..text.tokenizer import readable
from ..text.vocab import PAD
from .trace import Trace


@dataclass(frozen=True)
class UnitSteps:
    """One unit through a whole trace; arrays are (T,), one entry per word.

    Per unit j: ``w_x`` = W_x[j, ids[t]] (the word's input weight, times x = 1),
    ``h_prev`` = h_{t-1}[j], ``recurrent`` = W_hh[j, :] . h_{t-1} (every unit),
    ``preact`` = w_x + recurrent + b_h, ``h`` = tanh(preact).
    For the output (all units): ``out_sum`` = W_hy . h_t, ``logit`` = out_sum + b_y,
    ``y`` = sigmoid(logit); ``unit_out`` = W_hy[j] * h_t[j] is unit j's share of ``out_sum``.
    """

    unit: int
    hidden_size: int
    tokens: list[str]
    ids: list[int]
    known: list[bool]
    dict_words: list[str]  # the dictionary word each step reads (<unk> for unknown words)
    w_x: np.ndarray
    h_prev: np.ndarray
    recurrent: np.ndarray
    preact: np.ndarray
    h: np.ndarray
    unit_out: np.ndarray
    out_sum: np.ndarray
    logit: np.ndarray
    y: np.ndarray
    w_hh: float  # W_hh[j, j]: the unit's own loop weight
    b_h: float  # b_h[j]
    w_hy: float  # W_hy[0, j]
    b_y: float  # b_y[0]

    @property
    def seq_len(self) -> int:
        return len(self.tokens)

    @property
    def single(self) -> bool:
        """True for the one-neuron network, where the unit's numbers are the whole network's."""
        return self.hidden_size == 1

    @property
    def others(self) -> np.ndarray:
        """The other units' part of the recurrent sum: W_hh[j, k != j] . h_{t-1}[k != j]. (T,)"""
        return self.recurrent - self.w_hh * self.h_prev

    def rows(self) -> list[dict]:
        """One dict per word for the table of every step, labelled per unit or for the whole output."""
        names = column_names(self.unit, self.hidden_size)
        out = []
        for t in range(self.seq_len):
            values = (
                t + 1,
                self.tokens[t],
                self.ids[t],
                self.w_x[t],
                self.recurrent[t],
                self.b_h,
                self.preact[t],
                self.h[t],
                self.out_sum[t],
                self.b_y,
                self.y[t],
            )
            out.append({n: v if isinstance(v, str | int) else float(v) for n, v in zip(names, values)})
        return out


def column_names(unit: int, hidden_size: int) -> list[str]:
    """Table headings, short enough for every column to fit a laptop screen (the page's caption spells them out).

    Per-unit quantities carry the unit's index; the output reads all units (the unit's own share of it is in
    the step's equations, not in the table).
    """
    if hidden_size == 1:
        return ["step", "word", "i", "w_i", "w_hh·h_(t-1)", "b_h", "sum", "h_t", "w_hy·h_t", "b_y", "y_t"]
    j = unit
    return ["step", "word", "i", f"W_x[{j},i]", f"W_hh[{j},:]·h_(t-1)", f"b_h[{j}]", f"sum[{j}]", f"h_t[{j}]", "W_hy·h_t",
            "b_y", "y_t"]  # fmt: skip


def unit_steps(model: SentimentRNN, tr: Trace, unit: int = 0) -> UnitSteps:
    """The equations' numbers for ``unit`` at every step of ``tr`` (a trace of ``model``).

    Needs a plain RNN cell with a single sigmoid output; raises ValueError otherwise
    and IndexError for a unit outside 0..hidden_size-1.
    """
    if tr.cell != "rnn" or tr.head != "sigmoid":
        raise ValueError(f"the one-step equations need a plain RNN with one sigmoid output, not {tr.cell}/{tr.head}")
    H = tr.hidden.shape[1]
    if not 0 <= unit < H:
        raise IndexError(f"unit {unit} is outside 0..{H - 1}")
    W_hh = model.W_hh.detach().numpy()  # (H, H)
    W_hy = model.W_hy.detach().numpy()[0]  # (H,)
    b_y = float(model.b_y.detach().numpy()[0])
    h = tr.hidden[:, unit]  # (T,)
    out_sum = tr.hidden @ W_hy  # (T,)
    return UnitSteps(
        unit=unit,
        hidden_size=H,
        tokens=tr.words,
        ids=list(tr.ids),
        known=list(tr.known),
        dict_words=[readable(model.vocab.itos[i]) for i in tr.ids],
        w_x=tr.x_part[:, unit],
        h_prev=np.concatenate([[0.0], h[:-1]]).astype(h.dtype),  # h_0 = 0
        recurrent=tr.h_part[:, unit],
        preact=tr.preact[:, unit],
        h=h,
        unit_out=W_hy[unit] * h,
        out_sum=out_sum,
        logit=tr.logits[:, 0],
        y=tr.probs[:, 0],
        w_hh=float(W_hh[unit, unit]),
        b_h=float(tr.bias[unit]),
        w_hy=float(W_hy[unit]),
        b_y=b_y,
    )


def strongest_unit(model: SentimentRNN) -> int:
    """The unit whose h moves the output most per unit of h: the largest |W_hy[0, j]|."""
    return int(np.argmax(np.abs(model.W_hy.detach().numpy()[0])))


def input_weight_extremes(model: SentimentRNN, unit: int = 0, k: int = 10) -> tuple[list[dict], list[dict]]:
    """The dictionary words with the largest and the smallest input weights W_x[unit, i].

    A word's input weight is added to the unit's sum whenever the word is read, so the
    largest push h_t up and the smallest push it down. <pad> is left out: no review contains it.
    Returns (largest first, smallest first), each a list of {word, index, weight}.
    """
    weights = model.W_x.detach().numpy()[unit]  # (V,)
    itos = model.vocab.itos
    order = [int(i) for i in np.argsort(weights, kind="stable") if itos[i] != PAD]

    def pick(indices: list[int]) -> list[dict]:
        return [{"word": readable(itos[i]), "index": i, "weight": float(weights[i])} for i in indices]

    return pick(order[::-1][:k]), pick(order[:k])
