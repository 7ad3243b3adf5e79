"""Backpropagation through time written out by hand, from the numbers every step recorded on the way forward.

The gradient of chosen answers with respect to each word's input column u_t = W_x x_t, the quantity of the
Vanishing-gradients page, and the step Jacobians dstate_t / dstate_{t-1}. Autograd's graph gives the same numbers,
but its bookkeeping at every step of every backward pass was most of that page's time. Here every factor that does
not depend on the answer is computed for all steps at once, so a step back is a few products for a whole batch of
sequences and several answers together. tests/test_gradients.py checks the results against autograd on the model's
own forward pass and against finite differences, for every cell.

The equations (the cell's forward is model.network.SentimentRNN.step; a is dz/dh_t, the part of the answer's
gradient that reaches h_t, and d is dz/du_t, the word's gradient):
    rnn:  d = a (1 - h_t^2);                                a_{t-1} = d W_hh
    lstm: a_c += a o (1 - tanh^2 c_t);  d = [a_c g i(1-i), a_c c_{t-1} f(1-f), a_c i (1-g^2), a tanh(c_t) o(1-o)];
          a_{t-1} = d W_hh,  a_c,{t-1} = a_c f
    gru:  d_n = a (1 - z)(1 - n^2),  d_z = a (h_{t-1} - n) z(1-z),  d_r = d_n (W_hh h_{t-1} + b_hn)_n r(1-r);
          d = [d_r, d_z, d_n];  a_{t-1} = a z + [d_r, d_z, d_n r] W_hh
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from ..model.network import SentimentRNN
from .trace import Trace


@dataclass(frozen=True)
class Steps:
    """What a backward pass needs of a forward pass over B sequences of T words, each (B, T, H): the states
    before and after every word and the gates (model.step's record: lstm's cell c_t, gru's W_hh h_{t-1} as "hh")."""

    cell: str
    before: torch.Tensor  # h_{t-1} (h_0 = 0)
    after: torch.Tensor  # h_t
    gates: dict[str, torch.Tensor]
    cell_before: torch.Tensor | None = None  # lstm: c_{t-1} (c_0 = 0)

    @property
    def seq_len(self) -> int:
        return self.after.shape[1]

    def head(self, words: int) -> Steps:
        """The same sequences cut after their first ``words`` words."""
        cut = {k: v[:, :words] for k, v in self.gates.items()}
        return Steps(self.cell, self.before[:, :words], self.after[:, :words], cut, _cut(self.cell_before, words))


def _cut(values: torch.Tensor | None, words: int) -> torch.Tensor | None:
    return None if values is None else values[:, :words]


def _shifted(after: torch.Tensor) -> torch.Tensor:
    """The values before every step: a zero start, then after[:, :-1]. (B, T, H) -> (B, T, H)."""
    return torch.cat([torch.zeros_like(after[:, :1]), after[:, :-1]], dim=1)


def _steps(cell: str, after: torch.Tensor, gates: dict[str, torch.Tensor]) -> Steps:
    cell_before = _shifted(gates["cell"]) if cell == "lstm" else None
    return Steps(cell, _shifted(after), after, gates, cell_before)


@torch.no_grad()
def forward_steps(model: SentimentRNN, columns: torch.Tensor) -> Steps:
    """Read B sequences given by their input columns (B, T, G*H), recording every step."""
    state = tuple(s.to(columns.dtype) for s in model.initial_state(columns.shape[0]))
    records, hs = [], []
    for x_col in columns.unbind(1):
        rec: dict = {}
        state = model.step(x_col, state, rec)
        records.append(rec)
        hs.append(state[0])
    keep = {"lstm": ("input", "forget", "candidate", "output", "cell"), "gru": ("reset", "update", "candidate", "hh")}
    gates = {k: torch.stack([r[k] for r in records], dim=1) for k in keep.get(model.config.cell, ())}
    return _steps(model.config.cell, torch.stack(hs, dim=1), gates)


def steps_from_trace(tr: Trace) -> Steps:
    """The same from a trace of one text, which keeps every gate: no second forward pass. Batch B = 1."""
    gates = {name: torch.from_numpy(v)[None] for name, v in tr.gates.items()}
    if tr.cell == "gru":
        gates["hh"] = torch.from_numpy(tr.h_part)[None]
    return _steps(tr.cell, torch.from_numpy(tr.hidden)[None], gates)


def answer_adjoint(model: SentimentRNN, target: torch.Tensor) -> torch.Tensor:
    """dz/dh for the logit of class ``target`` (any shape of class indices) -> (*target.shape, H): rows of W_hy."""
    return model.W_hy.detach()[target]


def _factors(model: SentimentRNN, s: Steps) -> tuple[torch.Tensor, ...]:
    """Per step, everything in the equations that does not depend on the answer, each (B, T, ·):
    rnn (slope,); lstm (to the cell, to the inputs, keep f); gru (to the inputs, back to h, keep z)."""
    if s.cell == "rnn":
        return (1 - s.after * s.after,)
    hidden = model.config.hidden_size
    if s.cell == "lstm":
        i, f, g, o, c = (s.gates[k] for k in ("input", "forget", "candidate", "output", "cell"))
        tc = torch.tanh(c)
        inputs = torch.cat([g * i * (1 - i), s.cell_before * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)], dim=-1)
        return o * (1 - tc * tc), inputs, f
    r, z, n = s.gates["reset"], s.gates["update"], s.gates["candidate"]
    to_n = (1 - z) * (1 - n * n)
    to_r = to_n * (s.gates["hh"][..., 2 * hidden :] + model.b_hn.detach()) * r * (1 - r)
    to_z = (s.before - n) * z * (1 - z)
    return torch.cat([to_r, to_z, to_n], dim=-1), torch.cat([to_r, to_z, to_n * r], dim=-1), z


@torch.no_grad()
def input_grads(model: SentimentRNN, steps: Steps, seeds: Mapping[int, torch.Tensor]) -> list[torch.Tensor]:
    """dz/du_t for every step t up to the last seeded one, for several answers at once.

    Args:
        seeds: step t -> (k, B, H) for k answers read after word t: the gradient of each with respect to h_t that
            does not pass through later steps (for the logit of class c: row c of W_hy).
    Returns:
        [d_0, ..., d_last], d_t (K_t, B, G*H): the gradients with respect to u_t of the K_t answers read after word t
        or later (an answer does not depend on later words), the latest first: at step t the rows are the seeds of
        the largest step, then the next largest, ... down to those of step t.
    """
    last = max(seeds)
    w_hh = model.W_hh.detach()
    factors = [f.unbind(1) for f in _factors(model, steps.head(last + 1))]  # each a tuple of (B, ·) per step
    a = seeds[last][:0]  # (0, B, H): no answer yet; dz/dh_t of each answer below
    a_c = a  # lstm: dz/dc_t
    out: list[torch.Tensor] = [a] * (last + 1)
    for t in range(last, -1, -1):
        if t in seeds:  # answers read after word t join the pass here
            a, a_c = torch.cat([a, seeds[t]]), torch.cat([a_c, torch.zeros_like(seeds[t])])
        if steps.cell == "rnn":
            out[t] = d = a * factors[0][t]
            a = d @ w_hh
        elif steps.cell == "lstm":
            a_c = a_c + a * factors[0][t]
            out[t] = d = torch.cat([a_c, a_c, a_c, a], dim=-1) * factors[1][t]
            a, a_c = d @ w_hh, a_c * factors[2][t]
        else:
            a3 = torch.cat([a, a, a], dim=-1)
            out[t] = a3 * factors[0][t]
            a = torch.addcmul((a3 * factors[1][t]) @ w_hh, a, factors[2][t])
    return out


@torch.no_grad()
def state_jacobians(model: SentimentRNN, steps: Steps) -> torch.Tensor:
    """J_t = dstate_t / dstate_{t-1} for every step of one sequence (B = 1), written out from the recorded gates.

    Returns (T, S, S), S = H (rnn, gru) or 2H (lstm: rows h_t then c_t, columns h_{t-1} then c_{t-1}).
    """

    def scale(v: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return v[:, :, None] * w  # diag(v_t) w for every t: (T, H, 1) * (H, H) -> (T, H, H)

    hidden = model.config.hidden_size
    blocks = model.W_hh.detach().split(hidden)  # the gates' rows of W_hh, each (H, H)
    if steps.cell == "rnn":
        return scale(1 - steps.after[0] ** 2, blocks[0])
    if steps.cell == "lstm":
        i, f, g, o, c = (steps.gates[k][0] for k in ("input", "forget", "candidate", "output", "cell"))
        w_i, w_f, w_g, w_o = blocks
        tc = torch.tanh(c)
        dc_dh = scale(steps.cell_before[0] * f * (1 - f), w_f) + scale(g * i * (1 - i), w_i) + scale(i * (1 - g * g), w_g)
        dh_dh = scale(tc * o * (1 - o), w_o) + scale(o * (1 - tc * tc), dc_dh)
        top = torch.cat([dh_dh, torch.diag_embed(o * (1 - tc * tc) * f)], dim=2)
        return torch.cat([top, torch.cat([dc_dh, torch.diag_embed(f)], dim=2)], dim=1)  # (T, 2H, 2H)
    r, z, n = (steps.gates[k][0] for k in ("reset", "update", "candidate"))
    w_r, w_z, w_n = blocks
    recurrent_n = steps.gates["hh"][0, :, 2 * hidden :] + model.b_hn.detach()  # (T, H) W_hh h_{t-1} + b_hn, n rows
    dr = scale(r * (1 - r), w_r)
    dn = scale(1 - n * n, scale(recurrent_n, dr) + scale(r, w_n))
    return scale(1 - z, dn) + scale(steps.before[0] - n, scale(z * (1 - z), w_z)) + torch.diag_embed(z)
