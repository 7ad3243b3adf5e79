"""How far back the answer still looks: gradients through time, for one review and for random word sequences.

Definitions (T words, H hidden units, u_t = W_x x_t the input column the model takes for word t):

- **Influence of word t** on the final answer: ||dz_T / du_t||_2, the Euclidean norm of the gradient of
  z_T, the final logit of the predicted class (for the sigmoid head its single logit), with respect to
  the word's input column. One backward pass gives every word's value.
- **State matrix** M[s, t] = ||dh_s / dstate_t||_F / sqrt(H) for t <= s (NaN above the diagonal):
  the Frobenius norm of the Jacobian over sqrt(H), i.e. the root-mean-square of its H singular values,
  so the diagonal (dh_t / dh_t = I) is exactly 1. state_t is h_t for rnn and gru, and the pair
  (h_t, c_t) for lstm, whose memory cell is part of what it carries forward.
  Computed from the per-step Jacobians J_k = dstate_k / dstate_{k-1} (torch.func.jacrev, vmapped over
  the steps) in one backward sweep of T matrix products, never one pass per (s, t) pair.
- **Step gain** ||J_k||_2: the most one step can stretch a gradient (its largest singular value).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..model.network import SentimentRNN, untrained
from .trace import Trace, encode_text, trace

DECAY_LENGTHS = (3, 6, 12, 25, 50)  # short to long reviews; SST sentences average about 19 words
DECAY_SAMPLES = 64  # random sequences per length: enough for smooth averages, a few hundred ms per model
MATRIX_WINDOW = 100  # words in the state matrix on the page: its cost grows as T^3 (300 words: 27 times 100)
EXPERIMENT_LENGTHS = (3, 6, 12, 25, 50)  # the article's 3 and 6 words, then on until the first word fades
SCALES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # what-if factors for W_hh: below 1 the gradient vanishes, above it can explode
FIRST_WORD_ID = 2  # index 0 is <pad>, 1 is <unk>: random words are drawn from the real words only


def _start(model: SentimentRNN, batch: int, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    """The zero start state in the model's dtype (float64 in the finite-difference tests)."""
    return tuple(s.to(dtype) for s in model.initial_state(batch))


def _forward(model: SentimentRNN, columns: Sequence[torch.Tensor]) -> tuple[torch.Tensor, list[tuple[torch.Tensor, ...]]]:
    """Run the cell over given input columns, one (B, G*H) per step -> logits (B, T, C) and every state.

    Columns, not one (B, T, G*H) tensor indexed at each step: the gradient of x_cols[:, t] is a zero tensor of the
    whole input's size, T of them in a backward pass (most of its time); pass ``x_cols.unbind(1)`` instead.
    """
    state = _start(model, columns[0].shape[0], columns[0].dtype)
    states = []
    for x_col in columns:
        state = model.step(x_col, state)
        states.append(state)
    hidden = torch.stack([s[0] for s in states], dim=1)  # (B, T, H)
    return hidden @ model.W_hy.t() + model.b_y, states  # (B, T, C)


def influence_batch(model: SentimentRNN, ids: torch.Tensor, target: torch.Tensor | None = None) -> torch.Tensor:
    """Influence of every word of every sequence on its final answer, in one backward pass.

    Args:
        ids: (B, T) dictionary indices.
        target: (B,) class whose final logit is differentiated; by default the predicted class.
    Returns:
        (B, T): ||dz_T / du_t||_2 (the sequences are independent, so the gradient of the sum is each one's).
    """
    with torch.enable_grad():
        x_cols = model.input_columns(ids).detach().requires_grad_(True)  # (B, T, G*H)
        logits, _ = _forward(model, x_cols.unbind(1))
        final = logits[:, -1]  # (B, C)
        if target is None:
            target = final.argmax(dim=-1)
        chosen = final.gather(1, target.view(-1, 1))  # (B, 1)
        (grad,) = torch.autograd.grad(chosen.sum(), x_cols)
    return grad.norm(dim=-1)  # (B, T)


def word_influence(model: SentimentRNN, ids: list[int]) -> np.ndarray:
    """Influence of each word of one text on its final answer, (T,)."""
    return influence_batch(model, torch.tensor([ids]))[0].numpy()


def step_jacobians(model: SentimentRNN, ids: list[int]) -> torch.Tensor:
    """J_k = dstate_k / dstate_{k-1} for every step k (J_0 is taken at the zero start state).

    Returns (T, S, S) with S = H (rnn, gru) or 2H (lstm: h then c).
    """
    with torch.no_grad():
        x_cols = model.input_columns(torch.tensor([ids]))  # (1, T, G*H)
        _, states = _forward(model, x_cols.unbind(1))
        start = tuple(s[0] for s in _start(model, 1, x_cols.dtype))
        prev = [torch.stack([start[i], *(s[i][0] for s in states[:-1])]) for i in range(len(start))]  # each (T, H)

    def one_step(x_col: torch.Tensor, *state: torch.Tensor) -> torch.Tensor:
        new = model.step(x_col[None], tuple(s[None] for s in state))
        return torch.cat(new, dim=-1)[0]  # (S,)

    argnums = tuple(range(1, len(prev) + 1))
    parts = torch.func.vmap(torch.func.jacrev(one_step, argnums=argnums))(x_cols[0], *prev)
    return torch.cat(parts, dim=-1).detach()  # (T, S, S)


def _cell_columns(jacobians: torch.Tensor, hidden_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The diagonals of dh_k/dc_{k-1} and dc_k/dc_{k-1} = f_k from lstm Jacobians, each (T, H).

    c_{k-1} enters h_k and c_k elementwise only, so these blocks are diagonal; checked, since the fast sweep relies on it.
    """
    blocks = jacobians[:, :, hidden_size:]  # (T, 2H, H): the columns for c_{k-1}
    top, bottom = blocks[:, :hidden_size].diagonal(dim1=1, dim2=2), blocks[:, hidden_size:].diagonal(dim1=1, dim2=2)
    rebuilt = torch.cat([torch.diag_embed(top), torch.diag_embed(bottom)], dim=1)  # (T, 2H, H)
    if not torch.equal(rebuilt, blocks):
        raise ValueError("the memory-cell columns of these Jacobians are not diagonal: not an lstm cell")
    return top, bottom


def state_matrix(jacobians: torch.Tensor, hidden_size: int) -> np.ndarray:
    """M[s, t] = ||dh_s / dstate_t||_F / sqrt(H) for t <= s, NaN above the diagonal.

    One backward sweep: at step t the rows A[s] = dh_s / dstate_{t+1} of every later s are multiplied
    by J_{t+1} at once, and the row for s = t, [I 0], is added. For lstm (S = 2H) A is kept in two
    parts, dh_s/dh_t and dh_s/dc_t; the c_t part only needs elementwise products (see _cell_columns),
    which halves the work.
    Shape: jacobians (T, S, S) -> (T, T).
    """
    seq_len, size, hidden, dtype = jacobians.shape[0], jacobians.shape[1], hidden_size, jacobians.dtype
    lstm = size == 2 * hidden
    from_h = jacobians[:, :, :hidden].contiguous()  # (T, S, H): dstate_k / dh_{k-1}
    keep_h, keep_c = _cell_columns(jacobians, hidden) if lstm else (None, None)
    rows_h = torch.zeros(seq_len, hidden, hidden, dtype=dtype)  # rows_h[s] = dh_s / dh_t
    rows_c = torch.zeros(seq_len, hidden, hidden, dtype=dtype)  # rows_c[s] = dh_s / dc_t (lstm only)
    out = np.full((seq_len, seq_len), np.nan)
    for t in range(seq_len - 1, -1, -1):
        a_h, a_c = rows_h[t + 1 :], rows_c[t + 1 :]
        if len(a_h):
            new_h = a_h.reshape(-1, hidden) @ from_h[t + 1, :hidden]  # (n*H, H)
            if lstm:
                new_h += a_c.reshape(-1, hidden) @ from_h[t + 1, hidden:]
                a_c.copy_(a_h * keep_h[t + 1] + a_c * keep_c[t + 1])  # (n, H, H)
            a_h.copy_(new_h.view_as(a_h))  # (n, H, H)
        rows_h[t] = torch.eye(hidden, dtype=dtype)  # dh_t / dh_t = I, dh_t / dc_t = 0
        squares = rows_h[t:].square().sum(dim=(1, 2))  # (T-t,)
        if lstm:
            squares += rows_c[t:].square().sum(dim=(1, 2))
        out[t:, t] = (squares.sqrt() / hidden**0.5).numpy()
    return out


def largest_singular_value(model: SentimentRNN) -> float:
    """sigma_max(W_hh): the most one multiplication by W_hh can stretch a vector (all gate blocks stacked)."""
    return float(torch.linalg.matrix_norm(model.W_hh.detach(), ord=2))


def step_gains(jacobians: torch.Tensor) -> np.ndarray:
    """||J_k||_2 for every step: the largest singular value, as the root of J^T J's largest eigenvalue. (T, S, S) -> (T,)."""
    return torch.linalg.eigvalsh(jacobians.mT @ jacobians)[:, -1].clamp(min=0).sqrt().numpy()  # (T,)


@dataclass(frozen=True)
class StepNumbers:
    """The model numbers the explanation quotes for one text: cheap, from the trace alone."""

    cell: str
    sigma_max: float  # largest singular value of W_hh (all gate blocks stacked)
    mean_slope: float  # mean tanh slope 1 - tanh^2 over the steps and units (rnn: of h_t; lstm, gru: of the candidate)
    mean_keep: float | None  # lstm: mean forget gate f; gru: mean update gate z (the share of the old memory kept)


def _numbers(model: SentimentRNN, tr: Trace) -> StepNumbers:
    squashed = tr.hidden if tr.cell == "rnn" else tr.gates["candidate"]  # (T, H) the tanh outputs
    keep = {"lstm": "forget", "gru": "update"}.get(tr.cell)
    return StepNumbers(
        cell=tr.cell,
        sigma_max=largest_singular_value(model),
        mean_slope=float((1 - squashed**2).mean()),
        mean_keep=float(tr.gates[keep].mean()) if keep else None,
    )


def step_numbers(model: SentimentRNN, text: str, tr: Trace | None = None) -> StepNumbers:
    """sigma_max(W_hh), the mean tanh slope and the mean keep gate on one text (``tr``: its trace, if at hand)."""
    return _numbers(model, tr if tr is not None else trace(model, text))


@dataclass(frozen=True)
class ReviewGradients:
    """Gradients through time for one text through one model (T words)."""

    tokens: list[str]
    ids: list[int]
    target: str  # the class whose final logit is differentiated
    influence: np.ndarray  # (T,) ||dz_T / du_t||_2
    state_norms: np.ndarray  # (W, W) ||dh_s / dstate_t||_F / sqrt(H) for the last W words, NaN above the diagonal
    first_word: int  # index of the word in state_norms' first row and column (0 unless a window cut the review)
    step_gain: np.ndarray  # (T,) ||J_k||_2, the most step k can stretch a gradient
    numbers: StepNumbers

    @property
    def typical_gain(self) -> float:
        """Geometric mean of the step gains: what one step typically can stretch a gradient by, at most."""
        return float(np.exp(np.log(self.step_gain).mean()))

    def lag_median(self, lag: int) -> float | None:
        """Median of M[s, s - lag] over the matrix: how much a state still depends on the word ``lag`` words back."""
        values = np.diagonal(self.state_norms, offset=-lag)
        return float(np.median(values)) if len(values) else None


@torch.no_grad()
def review_gradients(
    model: SentimentRNN, text: str, window: int | None = None, tr: Trace | None = None, influence: np.ndarray | None = None
) -> ReviewGradients:
    """Influence of every word, the state matrix and the numbers that explain them, for one text.

    The state matrix costs T^2 matrix products; ``window`` limits it to the last ``window`` words (the
    values are the same as in the full matrix: every step still runs from the first word). ``tr`` and ``influence``:
    the text's trace and word influence (review_influence) if the caller has them already.
    """
    tr = tr if tr is not None else trace(model, text)
    jac = step_jacobians(model, tr.ids)
    first = max(0, len(tr.ids) - window) if window else 0
    return ReviewGradients(
        tokens=tr.words,
        ids=tr.ids,
        target=tr.classes[int(tr.logits[-1].argmax())],
        influence=influence if influence is not None else word_influence(model, tr.ids),
        state_norms=state_matrix(jac[first:], model.config.hidden_size),
        first_word=first,
        step_gain=step_gains(jac),
        numbers=_numbers(model, tr),
    )


def review_influence(model: SentimentRNN, text: str) -> np.ndarray:
    """Influence of every word of a text on the final answer, (T,); raises TextError for no or too many words."""
    return word_influence(model, encode_text(text, model.vocab)[1])


def random_sequences(vocab_size: int, length: int, samples: int, seed: int) -> torch.Tensor:
    """A fixed sample of random dictionary words (never <pad> or <unk>), (samples, length)."""
    gen = torch.Generator().manual_seed(seed * 1_000 + length)
    return torch.randint(FIRST_WORD_ID, vocab_size, (samples, length), generator=gen)


@dataclass(frozen=True)
class DecayCurves:
    """Average influence by distance from the end (d = 0 is the last word), per sequence length N."""

    cell: str
    curves: dict[int, np.ndarray]  # N -> (N,) mean influence of the word at distance d from the end
    samples: int
    seed: int

    def first_last_ratio(self, length: int) -> float:
        """Mean influence of the first word over that of the last, for length-N sequences."""
        curve = self.curves[length]
        return float(curve[-1] / curve[0])


@torch.no_grad()
def decay_curves(
    model: SentimentRNN, lengths: tuple[int, ...] = DECAY_LENGTHS, samples: int = DECAY_SAMPLES, seed: int = 0
) -> DecayCurves:
    """Data-free decay curves: the same seeded random sequences for every model with the same dictionary size."""
    curves = {}
    for n in lengths:
        ids = random_sequences(model.config.vocab_size, n, samples, seed)  # (samples, N)
        mean = influence_batch(model, ids).mean(dim=0)  # (N,) by position t
        curves[n] = mean.flip(0).numpy()  # (N,) by distance from the end
    return DecayCurves(cell=model.config.cell, curves=curves, samples=samples, seed=seed)


@dataclass(frozen=True)
class FirstWordExperiment:
    """The same first word followed by random words: how much of its influence is left at the end."""

    first_id: int
    fillers: np.ndarray  # (samples, max(lengths) - 1) the words that follow; shorter reviews take a prefix
    left: dict[int, float]  # N -> mean over samples of ||dz_N/du_1|| / ||dz_1/du_1||


@torch.no_grad()
def first_word_experiment(
    model: SentimentRNN, first_id: int, lengths: tuple[int, ...] = EXPERIMENT_LENGTHS, samples: int = 32, seed: int = 0
) -> FirstWordExperiment:
    """Share of the first word's influence left after N words, relative to its influence when it is the whole review.

    The N-word reviews are [first word, fillers[:, :N-1]], so the 6-word reviews extend the 3-word ones.
    Both gradients are of the same class's logit (the class predicted after the N words).
    One forward pass over the longest reviews serves every length (a network reads left to right, so its answer after
    N words is the N-word review's answer), and one batched backward pass (is_grads_batched: a vmap over the lengths)
    differentiates each length's answer with respect to the first word's column only.
    """
    fillers = random_sequences(model.config.vocab_size, max(lengths) - 1, samples, seed)  # (samples, Nmax-1)
    columns = model.input_columns(torch.cat([torch.full((samples, 1), first_id), fillers], dim=1))  # (samples, Nmax, G*H)
    ends = torch.tensor(lengths) - 1  # (L,) the step after which each length's answer is read
    with torch.enable_grad():
        first = columns[:, 0].clone().requires_grad_(True)  # (samples, G*H) u_1, the first word's column
        logits, _ = _forward(model, [first, *columns[:, 1:].unbind(1)])  # (samples, Nmax, C)
        alone, _ = _forward(model, [first])  # (samples, 1, C) the first word as the whole review
        target = logits[:, ends].argmax(dim=-1).t()  # (L, samples) the class predicted after each length
        at_end = _first_word_grads(logits, first, ends, target)  # (L, samples, G*H)
        by_itself = _first_word_grads(alone, first, torch.zeros_like(ends), target)  # (L, samples, G*H)
    shares = (at_end.norm(dim=-1) / by_itself.norm(dim=-1)).mean(dim=1)  # (L,)
    return FirstWordExperiment(first_id=first_id, fillers=fillers.numpy(), left=dict(zip(lengths, shares.tolist())))


def _first_word_grads(logits: torch.Tensor, first: torch.Tensor, ends: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """d logits[b, ends[l], target[l, b]] / d first[b] for every length l and sequence b, in one batched backward pass.
    Shapes: logits (B, T, C), first (B, G*H), ends (L,), target (L, B) -> (L, B, G*H)."""
    pick = torch.zeros(len(ends), *logits.shape)  # (L, B, T, C): one 1 per (length, sequence), at its step and class
    pick[torch.arange(len(ends))[:, None], torch.arange(logits.shape[0])[None, :], ends[:, None], target] = 1.0
    (grads,) = torch.autograd.grad(logits, first, grad_outputs=pick, is_grads_batched=True, retain_graph=True)
    return grads


def scaled_recurrence(model: SentimentRNN, factor: float) -> SentimentRNN:
    """A copy of the model with W_hh multiplied by ``factor`` (every other weight as trained), in eval mode."""
    scaled = copy.deepcopy(model)
    with torch.no_grad():
        scaled.W_hh.mul_(factor)
    return scaled.eval()


def initial_weights(model: SentimentRNN) -> SentimentRNN:
    """The model before training: the weights its training run started from (its card's seed), same dictionary."""
    start = untrained(model.config, int(model.card.get("seed", 0)))
    start.vocab, start.card, start.name = model.vocab, {**model.card, "untrained": True}, f"{model.name} (untrained)"
    return start
