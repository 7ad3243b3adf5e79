"""The numbers of one step, laid out for the step panel: the units that matter most, then the output."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .models import SentimentRNN
from .trace import Trace


@dataclass(frozen=True)
class StepDetail:
    """One step t. ``rows`` holds one dict per shown unit (largest |h_t| first); ``rest`` summarises the others.

    For the rnn cell each row has W_x x_t, W_hh h_{t-1}, b_h, their sum and h_t = tanh(sum);
    for lstm and gru, the gate values and h_t. ``output`` holds, per class, W_hy h_t, b_y,
    the logit (their sum) and the probability.
    """

    step: int
    token: str
    index: int
    known: bool
    rows: list[dict]
    rest: dict
    output: list[dict]


def step_detail(model: SentimentRNN, tr: Trace, step: int, top: int = 8) -> StepDetail:
    """Explain step ``step`` of ``tr`` (a trace of ``model``) with its top units by |h_t|."""
    if not 0 <= step < tr.seq_len:
        raise IndexError(f"step {step} is outside 0..{tr.seq_len - 1}")
    H = tr.hidden.shape[1]
    h = tr.hidden[step]  # (H,)
    order = np.argsort(-np.abs(h), kind="stable")
    shown, hidden_rest = order[:top], order[top:]
    rows = []
    for unit in shown:
        row: dict = {"unit": int(unit)}
        if tr.cell == "rnn":
            row.update(
                {
                    "W_x x_t": float(tr.x_part[step, unit]),
                    "W_hh h_(t-1)": float(tr.h_part[step, unit]),
                    "b_h": float(tr.bias[unit]),
                    "sum": float(tr.preact[step, unit]),
                }
            )
        else:
            row.update({name: float(values[step, unit]) for name, values in tr.gates.items()})
        row["h_t"] = float(h[unit])
        rows.append(row)
    rest = {
        "units": int(len(hidden_rest)),
        "mean_abs_h": float(np.abs(h[hidden_rest]).mean()) if len(hidden_rest) else 0.0,
        "max_abs_h": float(np.abs(h[hidden_rest]).max()) if len(hidden_rest) else 0.0,
        "hidden_size": H,
    }
    W_hy = model.W_hy.detach().numpy()  # (C, H)
    b_y = model.b_y.detach().numpy()  # (C,)
    output = [
        {
            "class": name,
            "W_hy h_t": float(W_hy[k] @ h),
            "b_y": float(b_y[k]),
            "logit": float(tr.logits[step, k]),
            "probability": float(tr.probs[step, k]),
        }
        for k, name in enumerate(tr.classes)
    ]
    return StepDetail(step, tr.tokens[step], tr.ids[step], tr.known[step], rows, rest, output)
