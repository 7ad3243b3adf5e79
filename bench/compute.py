"""The core computations against their obvious baselines: the trace against fused forward passes, and the
vanishing-gradient computations against one autograd pass per (s, t) pair."""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from rnn_core import load_model, tokenize, trace
from rnn_core.explain.gradients import state_matrix, step_jacobians, word_influence
from rnn_core.explain.trace import encode_text
from rnn_core.lesson import EXAMPLE_REVIEWS
from rnn_core.model.network import GATES, SentimentRNN

from .timing import compare

CELL_MODELS = {"rnn": "rnn-sst2", "lstm": "lstm-sst2", "gru": "gru-sst2"}  # the shipped model of each cell
TORCH_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def review_text(words: int) -> str:
    """A review of exactly ``words`` treebank tokens, made by cycling through the example reviews' tokens."""
    pool = [t for text in EXAMPLE_REVIEWS.values() for t in tokenize(text)]
    text = " ".join(itertools.islice(itertools.cycle(pool), words))
    assert len(tokenize(text)) == words, "the example tokens must tokenise to themselves"
    return text


class TorchTwin(nn.Module):
    """torch.nn.RNN / LSTM / GRU holding the same weights as a SentimentRNN: the fair fused baseline.

    The model never multiplies by the one-hot vector: it takes column ids[t] of W_x (an embedding lookup).
    The twin does the same lookup and feeds those columns (G*H numbers) to the torch.nn cell with an identity
    input matrix and b_h as its input bias. On CPU PyTorch applies the input matrix to every step in one matrix
    product before its C++ recurrence, so the identity costs one small GEMM; the recurrence is all ATen.
    Feeding one-hot vectors with W_ih = W_x (``one_hot=True``, as tests/test_models.py checks) would add a
    10,000-wide product per word: that measures the one-hot product, not the recurrence, so it is reported
    beside the baseline but never used as it.
    """

    def __init__(self, model: SentimentRNN, one_hot: bool = False) -> None:
        super().__init__()
        cfg = model.config
        gh, h = GATES[cfg.cell] * cfg.hidden_size, cfg.hidden_size
        self.one_hot, self.vocab_size = one_hot, cfg.vocab_size
        self.W_x = nn.Parameter(model.W_x.detach().clone())  # (G*H, V)
        self.rnn = TORCH_CELLS[cfg.cell](cfg.vocab_size if one_hot else gh, h, batch_first=True)
        self.head = nn.Linear(h, len(cfg.classes))
        self.input_dropout = nn.Dropout(model.input_dropout.p)
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(model.W_x if one_hot else torch.eye(gh))
            self.rnn.bias_ih_l0.copy_(model.b_h)
            self.rnn.weight_hh_l0.copy_(model.W_hh)
            self.rnn.bias_hh_l0.zero_()
            if cfg.cell == "gru":
                self.rnn.bias_hh_l0[2 * h :] = model.b_hn
            self.head.weight.copy_(model.W_hy)
            self.head.bias.copy_(model.b_y)
        if not one_hot:
            self.rnn.weight_ih_l0.requires_grad_(False)  # the identity is plumbing, not a weight to learn

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits after every word, (B, T) -> (B, T, C)."""
        if self.one_hot:
            x = nn.functional.one_hot(ids, self.vocab_size).float()  # (B, T, V)
        else:
            x = self.input_dropout(nn.functional.embedding(ids, self.W_x.t()))  # (B, T, G*H)
        hidden, _ = self.rnn(x)  # (B, T, H)
        return self.head(hidden)  # (B, T, C)


def trace_rows(lengths: tuple[int, ...], repeats: int, min_seconds: float) -> list[dict]:
    """trace(model, text) against the model's batched forward and torch.nn twins, every call starting from the text."""
    rows = []
    for cell, name in CELL_MODELS.items():
        model = load_model(name)
        twin, one_hot = TorchTwin(model).eval(), TorchTwin(model, one_hot=True).eval()
        for words in lengths:
            rows.append(
                {
                    "cell": cell,
                    "model": name,
                    "words": words,
                    **_trace_vs_fused(model, twin, one_hot, words, repeats, min_seconds),
                }
            )
    return rows


def _trace_vs_fused(
    model: SentimentRNN, twin: TorchTwin, one_hot: TorchTwin, words: int, repeats: int, min_seconds: float
) -> dict:
    vocab, text = model.vocab, review_text(words)
    ids = torch.tensor([encode_text(text, vocab)[1]])  # (1, T)
    with torch.no_grad():
        torch.testing.assert_close(twin(ids), model(ids), atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(one_hot(ids), model(ids), atol=1e-5, rtol=1e-5)

    def run(net: nn.Module) -> torch.Tensor:
        with torch.no_grad():
            return net(torch.tensor([encode_text(text, vocab)[1]]))  # (1, T, C)

    fns = {
        "trace": lambda: trace(model, text),
        "forward": lambda: run(model),
        "torch_nn": lambda: run(twin),
        "torch_nn_one_hot": lambda: run(one_hot),
        "encode_only": lambda: encode_text(text, vocab),
    }
    return compare(fns, "forward", repeats, min_seconds)


def naive_state_matrix(model: SentimentRNN, ids: list[int]) -> np.ndarray:
    """M[s, t] = ||dh_s / dstate_t||_F / sqrt(H) with one torch.autograd.grad per (s, t) pair.

    For each t the state after word t is made a leaf (H copies of it, so one backward pass with the identity
    as grad_outputs yields the whole H-row Jacobian) and the words after t are run again from it; then one
    backward pass per later s. That is the obvious way: T(T-1)/2 passes, each as long as s - t.
    """
    hidden, seq_len = model.config.hidden_size, len(ids)
    out = np.full((seq_len, seq_len), np.nan)
    eye = torch.eye(hidden)
    with torch.no_grad():
        x_cols = model.input_columns(torch.tensor([ids]))[0]  # (T, G*H)
        states, state = [], model.initial_state(1)
        for t in range(seq_len):
            state = model.step(x_cols[t : t + 1], state)
            states.append(state)
    for t in range(seq_len):
        out[t, t] = 1.0
        with torch.enable_grad():
            leaf = tuple(s.expand(hidden, hidden).clone().requires_grad_(True) for s in states[t])  # each (H, H)
            state, later = leaf, []
            for k in range(t + 1, seq_len):
                state = model.step(x_cols[k : k + 1].expand(hidden, -1), state)  # (H, G*H) in, (H, H) out
                later.append(state[0])
            for s, h_s in enumerate(later, start=t + 1):
                grads = torch.autograd.grad(h_s, leaf, grad_outputs=eye, retain_graph=True)
                out[s, t] = float(sum(g.square().sum() for g in grads).sqrt()) / hidden**0.5
    return out


def naive_influence(model: SentimentRNN, ids: list[int]) -> np.ndarray:
    """||dz_T / du_t|| for every word t with one torch.autograd.grad per word (the fast path uses one in all)."""
    with torch.enable_grad():
        cols = [c.clone().requires_grad_(True) for c in model.input_columns(torch.tensor([ids]))[0]]  # T x (G*H,)
        state = model.initial_state(1)
        for col in cols:
            state = model.step(col[None], state)
        final = (state[0] @ model.W_hy.t() + model.b_y)[0]  # (C,)
        z = final[final.argmax()]
        return np.array([float(torch.autograd.grad(z, col, retain_graph=True)[0].norm()) for col in cols])


def _gradients_vs_naive(model: SentimentRNN, words: int, repeats: int, min_seconds: float, naive: bool) -> dict:
    """Both computations for one review; each result checked against its naive twin before anything is timed."""
    ids = encode_text(review_text(words), model.vocab)[1]
    hidden = model.config.hidden_size
    np.testing.assert_allclose(naive_influence(model, ids), word_influence(model, ids), rtol=1e-4, atol=1e-7)
    influence = {"fast": lambda: word_influence(model, ids), "naive": lambda: naive_influence(model, ids)}
    matrix = {"fast": lambda: state_matrix(step_jacobians(model, ids), hidden)}
    if naive:
        np.testing.assert_allclose(naive_state_matrix(model, ids), matrix["fast"](), atol=1e-4)
        matrix["naive"] = lambda: naive_state_matrix(model, ids)
    out = {
        "influence": compare(influence, "fast", repeats, min_seconds),
        "state_matrix": compare(matrix, "fast", repeats, min_seconds),
    }
    if not naive:
        out["state_matrix"]["naive_skipped"] = (
            "the naive state matrix is not timed at this length for this cell (see --all-naive)"
        )
    return out


def gradient_rows(lengths: tuple[int, ...], repeats: int, min_seconds: float, naive_long: tuple[str, ...]) -> list[dict]:
    """Gradient computations of the Vanishing-gradients page against per-pair / per-word autograd.

    The baseline of each comparison is the fast path, so the naive entry's ratio is the speed-up (naive / fast).

    ``naive_long``: the cells whose naive state matrix is also timed at the longest length (it grows as T^3).
    """
    rows = []
    for cell, name in CELL_MODELS.items():
        model = load_model(name)
        for words in lengths:
            naive = words < max(lengths) or cell in naive_long
            rows.append(
                {"cell": cell, "model": name, "words": words, **_gradients_vs_naive(model, words, repeats, min_seconds, naive)}
            )
    return rows
