"""How far back the answer still looks: gradients through time, for one review and for random word sequences.

Definitions (T words, H hidden units, u_t = W_x x_t the input column the model takes for word t):

- **Influence of word t** on the final answer: ||dz_T / du_t||_2, the Euclidean norm of the gradient of
  z_T, the final logit of the predicted class (for the sigmoid head its single logit), with respect to
  the word's input column. One backward pass gives every word's value.
- **State matrix** M[s, t] = ||dh_s / dstate_t||_F / sqrt(H) for t <= s (NaN above the diagonal):
  the Frobenius norm of the Jacobian over sqrt(H), i.e. the root-mean-square of its H singular values,
  so the diagonal (dh_t / dh_t = I) is exactly 1. state_t is h_t for rnn and gru, and the pair
  (h_t, c_t) for lstm, whose memory cell is part of what it carries forward.
  Computed from the per-step Jacobians J_k = dstate_k / dstate_{k-1} (written out from the recorded gates,
  backprop.state_jacobians) in one backward sweep of T matrix products, never one pass per (s, t) pair.
- **Step gain** ||J_k||_2: the most one step can stretch a gradient (its largest singular value).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from ..model.network import SentimentRNN, untrained
from .backprop import Steps, answer_adjoint, forward_steps, input_grads, state_jacobians, steps_from_trace
from .trace import Trace, encode_text, trace

DECAY_LENGTHS = (3, 6, 12, 25, 50)  # short to long reviews; SST sentences average about 19 words
DECAY_SAMPLES = 64  # random sequences per length: enough for smooth averages, a few hundred ms per model
MATRIX_WINDOW = 100  # words in the state matrix on the page: its cost grows as T^3 (300 words: 27 times 100)
EXPERIMENT_LENGTHS = (3, 6, 12, 25, 50)  # the article's 3 and 6 words, then on until the first word fades
EXPERIMENT_SAMPLES, EXPERIMENT_SEED = 32, 0  # random continuations per length, and their seed
SCALES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # what-if factors for W_hh: below 1 the gradient vanishes, above it can explode
FIRST_WORD_ID = 2  # index 0 is <pad>, 1 is <unk>: random words are drawn from the real words only


@torch.no_grad()
def influence_batch(model: SentimentRNN, ids: torch.Tensor, target: torch.Tensor | None = None) -> torch.Tensor:
    """Influence of every word of every sequence on its final answer, in one backward pass (backprop.input_grads).

    Args:
        ids: (B, T) dictionary indices.
        target: (B,) class whose final logit is differentiated; by default the predicted class.
    Returns:
        (B, T): ||dz_T / du_t||_2.
    """
    return _final_influence(model, forward_steps(model, model.input_columns(ids)), target)


def _final_influence(model: SentimentRNN, steps: Steps, target: torch.Tensor | None = None) -> torch.Tensor:
    """||dz_T / du_t||_2 for every word of recorded sequences, z_T the final logit of ``target`` (default: the
    predicted class). (B, T)."""
    if target is None:
        final = steps.after[:, -1] @ model.W_hy.t() + model.b_y  # (B, C)
        target = final.argmax(dim=-1)
    grads = input_grads(model, steps, {steps.seq_len - 1: answer_adjoint(model, target.view(-1))[None]})  # T of (1, B, G*H)
    return torch.stack(grads, dim=2)[0].norm(dim=-1)  # (B, T)


def word_influence(model: SentimentRNN, ids: list[int]) -> np.ndarray:
    """Influence of each word of one text on its final answer, (T,)."""
    return influence_batch(model, torch.tensor([ids]))[0].numpy()


def step_jacobians(model: SentimentRNN, ids: list[int], tr: Trace | None = None) -> torch.Tensor:
    """J_k = dstate_k / dstate_{k-1} for every step k (J_0 is taken at the zero start state), from the gates the
    forward pass recorded (backprop.state_jacobians; ``tr``: the text's trace, if at hand).

    Returns (T, S, S) with S = H (rnn, gru) or 2H (lstm: h then c).
    """
    steps = steps_from_trace(tr) if tr is not None else forward_steps(model, model.input_columns(torch.tensor([ids])))
    return state_jacobians(model, steps)


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
    jac = step_jacobians(model, tr.ids, tr=tr)
    first = max(0, len(tr.ids) - window) if window else 0
    return ReviewGradients(
        tokens=tr.words,
        ids=tr.ids,
        target=tr.classes[int(tr.logits[-1].argmax())],
        influence=influence if influence is not None else trace_influence(model, tr),
        state_norms=state_matrix(jac[first:], model.config.hidden_size),
        first_word=first,
        step_gain=step_gains(jac),
        numbers=_numbers(model, tr),
    )


@torch.no_grad()
def trace_influence(model: SentimentRNN, tr: Trace) -> np.ndarray:
    """Influence of every word of a traced text on its final answer, (T,), from the gates the trace kept."""
    target = torch.tensor([int(tr.logits[-1].argmax())])  # the class the trace predicts, as review_gradients names it
    return _final_influence(model, steps_from_trace(tr), target)[0].numpy()


def review_influence(model: SentimentRNN, text: str, tr: Trace | None = None) -> np.ndarray:
    """Influence of every word of a text on the final answer, (T,); raises TextError for no or too many words.
    ``tr``: the text's trace, if at hand (the numbers are the same)."""
    if tr is not None:
        return trace_influence(model, tr)
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
    model: SentimentRNN,
    first_id: int,
    lengths: tuple[int, ...] = EXPERIMENT_LENGTHS,
    samples: int = EXPERIMENT_SAMPLES,
    seed: int = EXPERIMENT_SEED,
) -> FirstWordExperiment:
    """Share of the first word's influence left after N words, relative to its influence when it is the whole review.

    The N-word reviews are [first word, fillers[:, :N-1]], so the 6-word reviews extend the 3-word ones.
    Both gradients are of the same class's logit (the class predicted after the N words).
    """
    shares = first_word_shares(model, [first_id], lengths, samples, seed)[0]  # (L,)
    fillers = experiment_fillers(model.config.vocab_size, lengths, samples, seed)
    return FirstWordExperiment(first_id=first_id, fillers=fillers.numpy(), left=dict(zip(lengths, shares.tolist())))


def experiment_fillers(vocab_size: int, lengths: tuple[int, ...], samples: int, seed: int) -> torch.Tensor:
    """The random words that follow the first word in the experiment, (samples, max(lengths) - 1)."""
    return random_sequences(vocab_size, max(lengths) - 1, samples, seed)


@torch.no_grad()
def first_word_shares(
    model: SentimentRNN,
    first_ids: list[int],
    lengths: tuple[int, ...] = EXPERIMENT_LENGTHS,
    samples: int = EXPERIMENT_SAMPLES,
    seed: int = EXPERIMENT_SEED,
) -> torch.Tensor:
    """first_word_experiment's shares for several first words at once (the same fillers after each), (len(first_ids), L).

    One forward pass over the longest reviews serves every length (a network reads left to right, so its answer after
    N words is the N-word review's answer), and one backward pass carries every length's answer, each from the step
    after which it is read; the first word alone is that pass's first step.
    """
    if not lengths or min(lengths) < 1:
        raise ValueError(f"review lengths must be at least 1 word, got {lengths}")
    fillers = experiment_fillers(model.config.vocab_size, lengths, samples, seed)  # (samples, Nmax-1)
    firsts = torch.tensor(first_ids).repeat_interleave(samples)[:, None]  # (F*samples, 1)
    columns = model.input_columns(torch.cat([firsts, fillers.repeat(len(first_ids), 1)], dim=1))  # (F*samples, Nmax, G*H)
    steps = forward_steps(model, columns)
    ends = [n - 1 for n in lengths]
    target = (steps.after[:, ends] @ model.W_hy.t() + model.b_y).argmax(dim=-1).t()  # (L, F*samples) class after each length
    rows = answer_adjoint(model, target)  # (L, F*samples, H)
    order = sorted(range(len(ends)), key=lambda row: -ends[row])  # the backward pass's rows: the latest answer first
    seeds: dict[int, torch.Tensor] = {}
    for row in order:
        seeds[ends[row]] = torch.cat([seeds[ends[row]], rows[row : row + 1]]) if ends[row] in seeds else rows[row : row + 1]
    at_end = input_grads(model, steps, seeds)[0][torch.tensor(order).argsort()]  # (L, F*samples, G*H) in length order
    by_itself = input_grads(model, steps.head(1), {0: rows})[0]  # (L, F*samples, G*H) the first word as the whole review
    ratios = (at_end.norm(dim=-1) / by_itself.norm(dim=-1)).unflatten(1, (len(first_ids), samples))  # (L, F, samples)
    return ratios.mean(dim=2).t()  # (F, L)


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
