"""The numbers of one step, laid out for the step panel: the units that matter most, then the output."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.network import SentimentRNN
from .trace import Trace


@dataclass(frozen=True)
class UnitRow:
    """One hidden unit at step t. For the rnn cell: W_x x_t, W_hh h_(t-1), b_h and their sum (h_t = tanh(sum));
    for lstm and gru, ``gates`` holds each gate's value (by gate name) and the rnn parts are None."""

    unit: int
    h: float
    x_part: float | None = None
    h_part: float | None = None
    bias: float | None = None
    preact: float | None = None
    gates: tuple[tuple[str, float], ...] = ()

    def as_row(self) -> dict[str, float | int]:
        """Table columns, in the order of the equation."""
        if self.preact is None:
            return {"unit": self.unit, **dict(self.gates), "h_t": self.h}
        return {
            "unit": self.unit,
            "W_x x_t": self.x_part,
            "W_hh h_(t-1)": self.h_part,
            "b_h": self.bias,
            "sum": self.preact,
            "h_t": self.h,
        }


@dataclass(frozen=True)
class OtherUnits:
    """The units not shown in the table, in one line."""

    units: int
    hidden_size: int
    mean_abs_h: float
    max_abs_h: float


@dataclass(frozen=True)
class OutputRow:
    """One output after step t: y = f(W_hy·h_t + b_y), f = sigmoid or softmax."""

    class_name: str
    weighted: float  # W_hy[k]·h_t
    bias: float  # b_y[k]
    logit: float  # their sum
    probability: float


@dataclass(frozen=True)
class StepDetail:
    """One step t: ``units`` (largest |h_t| first), ``rest`` (the others), and ``outputs`` (one per class)."""

    step: int
    token: str
    index: int
    known: bool
    units: list[UnitRow]
    rest: OtherUnits
    outputs: list[OutputRow]

    def unit_table(self) -> list[dict[str, float | int]]:
        return [u.as_row() for u in self.units]


def _unit_row(tr: Trace, step: int, unit: int) -> UnitRow:
    h = float(tr.hidden[step, unit])
    if tr.cell == "rnn":
        return UnitRow(
            unit,
            h,
            x_part=float(tr.x_part[step, unit]),
            h_part=float(tr.h_part[step, unit]),
            bias=float(tr.bias[unit]),
            preact=float(tr.preact[step, unit]),
        )
    return UnitRow(unit, h, gates=tuple((name, float(values[step, unit])) for name, values in tr.gates.items()))


def step_detail(model: SentimentRNN, tr: Trace, step: int, top: int = 8) -> StepDetail:
    """Explain step ``step`` of ``tr`` (a trace of ``model``) with its top units by |h_t|."""
    if not 0 <= step < tr.seq_len:
        raise IndexError(f"step {step} is outside 0..{tr.seq_len - 1}")
    h = tr.hidden[step]  # (H,)
    order = np.argsort(-np.abs(h), kind="stable")
    shown, others = order[:top], np.abs(h[order[top:]])
    rest = OtherUnits(
        units=int(len(others)),
        hidden_size=int(h.shape[0]),
        mean_abs_h=float(others.mean()) if len(others) else 0.0,
        max_abs_h=float(others.max()) if len(others) else 0.0,
    )
    W_hy = model.W_hy.detach().numpy()  # (C, H)
    b_y = model.b_y.detach().numpy()  # (C,)
    outputs = [
        OutputRow(name, float(W_hy[k] @ h), float(b_y[k]), float(tr.logits[step, k]), float(tr.probs[step, k]))
        for k, name in enumerate(tr.classes)
    ]
    units = [_unit_row(tr, step, int(u)) for u in shown]
    return StepDetail(step, tr.words[step], tr.ids[step], tr.known[step], units, rest, outputs)
