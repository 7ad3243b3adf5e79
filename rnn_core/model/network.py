"""One model family: a recurrent cell (rnn, lstm, gru) over dictionary indices, and a head.

The input of step t is a one-hot vector x_t over the dictionary, so W_x x_t is
simply column ``index`` of W_x: the model takes that column instead of
multiplying by 10,000 zeros. The equations, per cell (H hidden units):

- rnn:  h_t = tanh(W_x x_t + W_hh h_{t-1} + b_h)
- lstm: [i, f, g, o] = W_x x_t + W_hh h_{t-1} + b_h (i, f, o through sigmoid, g through tanh);
        c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
- gru:  [r, z] = sigmoid(W_x x_t + W_hh h_{t-1} + b_h) for the first 2H rows;
        n = tanh(W_x x_t + b_h + r * (W_hh h_{t-1} + b_hn)) for the last H rows;
        h_t = (1 - z) * n + z * h_{t-1}   (PyTorch's GRU, so nn.GRU can check it)

and the head reads every h_t: logits_t = W_hy h_t + b_y.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import CELLS, DECISION_THRESHOLD, GATES, HEAD_CLASSES, HEADS, ModelConfig, class_name

__all__ = ["CELLS", "GATES", "HEADS", "HEAD_CLASSES", "ModelConfig", "SentimentRNN", "class_indices", "class_name"]


def class_indices(probs: torch.Tensor) -> torch.Tensor:
    """The one rule for the class of an answer (config.class_index), for a batch. (..., C) -> (...).

    One sigmoid output: 1 (positive) if P(positive) >= 0.5, else 0 (negative); several outputs: the largest.
    """
    if probs.shape[-1] == 1:
        return (probs[..., 0] >= DECISION_THRESHOLD).long()
    return probs.argmax(dim=-1)


def probs_from_logits(logits: torch.Tensor, head: str) -> torch.Tensor:
    """Softmax over classes for the softmax head, an independent sigmoid per output otherwise."""
    return torch.softmax(logits, dim=-1) if head == "softmax" else torch.sigmoid(logits)


class SentimentRNN(nn.Module):
    """Recurrent sentiment classifier whose every weight the app can show by name."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        gh, h = GATES[config.cell] * config.hidden_size, config.hidden_size
        bound = h**-0.5
        self.W_x = nn.Parameter(torch.empty(gh, config.vocab_size).uniform_(-bound, bound))
        self.W_hh = nn.Parameter(torch.empty(gh, h).uniform_(-bound, bound))
        self.b_h = nn.Parameter(torch.zeros(gh))
        if config.cell == "lstm":
            with torch.no_grad():
                self.b_h[h : 2 * h] = 1.0  # forget gate starts open: the usual LSTM default
        if config.cell == "gru":
            self.b_hn = nn.Parameter(torch.zeros(h))
        self.W_hy = nn.Parameter(torch.empty(len(config.classes), h).uniform_(-bound, bound))
        self.b_y = nn.Parameter(torch.zeros(len(config.classes)))
        self.input_dropout = nn.Dropout(0.0)  # set by training; identity in eval mode

    def input_columns(self, ids: torch.Tensor) -> torch.Tensor:
        """W_x x_t for every step: column ids[b, t] of W_x. Shape (B, T) -> (B, T, G*H)."""
        return nn.functional.embedding(ids, self.W_x.t())  # (B, T, G*H)

    def step(self, x_col: torch.Tensor, state: tuple[torch.Tensor, ...], record: dict | None = None) -> tuple[torch.Tensor, ...]:
        """One step of the cell. x_col: (B, G*H) = W_x x_t; state: (h,) or (h, c), each (B, H).

        If ``record`` is a dict, the step's internals (W_hh h_{t-1}, the
        pre-activation, the gates) are stored in it for the trace.
        """
        h = state[0]
        hh = h @ self.W_hh.t()  # (B, G*H)
        rec = record if record is not None else {}
        rec["hh"] = hh
        cell, H = self.config.cell, self.config.hidden_size
        if cell == "rnn":
            rec["pre"] = x_col + hh + self.b_h
            return (torch.tanh(rec["pre"]),)
        if cell == "lstm":
            i, f, g, o = (x_col + hh + self.b_h).chunk(4, dim=-1)  # each (B, H)
            rec.update(input=torch.sigmoid(i), forget=torch.sigmoid(f), candidate=torch.tanh(g), output=torch.sigmoid(o))
            c = rec["forget"] * state[1] + rec["input"] * rec["candidate"]
            rec["cell"] = c
            return rec["output"] * torch.tanh(c), c
        rz = torch.sigmoid(x_col[:, : 2 * H] + hh[:, : 2 * H] + self.b_h[: 2 * H])  # (B, 2H)
        r, z = rz.chunk(2, dim=-1)
        n = torch.tanh(x_col[:, 2 * H :] + self.b_h[2 * H :] + r * (hh[:, 2 * H :] + self.b_hn))
        rec.update(reset=r, update=z, candidate=n)
        return ((1 - z) * n + z * h,)

    def initial_state(self, batch: int) -> tuple[torch.Tensor, ...]:
        zeros = torch.zeros(batch, self.config.hidden_size)
        return (zeros, zeros.clone()) if self.config.cell == "lstm" else (zeros,)

    def hidden_states(self, ids: torch.Tensor) -> torch.Tensor:
        """h_t after every step. ids: (B, T) -> (B, T, H)."""
        x_cols = self.input_dropout(self.input_columns(ids))  # (B, T, G*H)
        state = self.initial_state(ids.shape[0])
        hs = []
        for t in range(ids.shape[1]):
            state = self.step(x_cols[:, t], state)
            hs.append(state[0])
        return torch.stack(hs, dim=1)  # (B, T, H)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits after every word. ids: (B, T) -> (B, T, C)."""
        return self.hidden_states(ids) @ self.W_hy.t() + self.b_y  # (B, T, C)

    def probs(self, ids: torch.Tensor) -> torch.Tensor:
        """Output probabilities after every word, (B, T) -> (B, T, C)."""
        return probs_from_logits(self(ids), self.config.head)


def untrained(config: ModelConfig, seed: int) -> SentimentRNN:
    """The weights a training run with this seed starts from (training builds its model here), in eval mode."""
    torch.manual_seed(seed)
    return SentimentRNN(config).eval()
