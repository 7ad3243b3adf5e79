"""Train a small recurrent network while someone watches: progress after every few batches, a stop at any time.

The loop reports what a student should see grow: loss and accuracy on the training and held-out data, and the size
of the gradient that reaches the first and the last word, ||d loss / d x_1|| and ||d loss / d x_T|| (x_t = W_x x_t,
the input column the model takes), averaged over a held-out batch. A diverging run (loss NaN or infinite) stops
with TrainingDiverged and gives no model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import torch

from .memory_task import TaskData
from .network import ModelConfig, SentimentRNN, class_indices, untrained
from .train import fused_logits

# What a URL or a widget may ask for: anything outside is clamped to these ranges, and the page says so.
LIMITS = {
    "hidden_size": (1, 64),  # 64: every unit still fits one heatmap; 1: the one-neuron network
    "lr": (1e-4, 0.1),  # Adam: below 1e-4 nothing visible happens in a minute, above 0.1 everything diverges
    "epochs": (1, 50),
    "fillers": (2, 100),  # the memory task's L
}
CELLS = ("rnn", "lstm", "gru")
TASKS = ("memory", "sentiment")


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite: the learning rate is too large for this network."""


@dataclass(frozen=True)
class LiveConfig:
    task: str = "memory"
    cell: str = "rnn"
    hidden_size: int = 16  # small: trains in seconds, and still shows the difference between the cells
    lr: float = 3e-3  # Adam; the plain RNN learned the memory task at L = 20 with this in 40 s runs
    epochs: int = 15
    fillers: int = 20  # the memory task's L: words between the deciding word and the answer
    batch_size: int = 32  # small batches: many updates per second, curves that move
    seed: int = 0
    max_seconds: float = 60.0  # one training never holds the queue longer than this
    clip_norm: float = 5.0  # clipping keeps an exploding RNN from ruining the run at once
    report_seconds: float = 1.0  # a report (and a held-out pass) at least this often; epochs always end with one


def clamped(cfg: LiveConfig) -> tuple[LiveConfig, list[str]]:
    """The configuration with every value inside LIMITS (and a known task and cell), and what was changed."""
    notes, changes = [], {}
    for name, (low, high) in LIMITS.items():
        value = getattr(cfg, name)
        if not isinstance(value, int | float) or math.isnan(value) or not low <= value <= high:
            fixed = low if not isinstance(value, int | float) or math.isnan(value) else min(max(value, low), high)
            fixed = type(low)(fixed)
            changes[name] = fixed
            notes.append(f"{name} {value!r} is outside {low:g}..{high:g}: using {fixed:g}")
    if cfg.task not in TASKS:
        changes["task"] = TASKS[0]
        notes.append(f"unknown task {cfg.task!r}: using {TASKS[0]}")
    if cfg.cell not in CELLS:
        changes["cell"] = CELLS[0]
        notes.append(f"unknown cell {cfg.cell!r}: using {CELLS[0]}")
    return replace(cfg, **changes), notes


@dataclass(frozen=True)
class Progress:
    """The state of a training after ``step`` of ``steps`` batches (epoch counts from 1)."""

    epoch: int
    step: int
    steps: int
    train_loss: float
    train_accuracy: float
    heldout_loss: float
    heldout_accuracy: float
    grad_first: float  # mean ||d loss / d x_1|| over a held-out batch
    grad_last: float  # mean ||d loss / d x_T||
    seconds: float
    epochs_done: float  # step / batches per epoch: where the curves stand on an epoch axis

    @property
    def share(self) -> float:
        return self.step / max(self.steps, 1)


def _loss_and_logits(
    model: SentimentRNN, x_cols: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run the cell over input columns (B, T, G*H); binary cross-entropy of the answer after the last word.

    Where ``mask`` (B, T) is False (left padding) the state is carried over unchanged.
    """
    state = model.initial_state(x_cols.shape[0])
    for t in range(x_cols.shape[1]):
        new = model.step(x_cols[:, t], state)
        state = new if mask is None else tuple(torch.where(mask[:, t : t + 1], n, o) for n, o in zip(new, state))
    logits = state[0] @ model.W_hy.t() + model.b_y  # (B, 1)
    return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], labels.float()), logits


def _batch_loss(model: SentimentRNN, part: TaskData) -> tuple[torch.Tensor, torch.Tensor]:
    """The training loss of a batch and its final logits (B, 1)."""
    if part.mask is None:  # equal lengths: torch's C++ recurrence on the same weights, the same numbers, faster
        logits = fused_logits(model, part.ids)[:, -1]  # (B, 1)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], part.labels.float()), logits
    return _loss_and_logits(model, model.input_columns(part.ids), part.labels, part.mask)


def measure(model: SentimentRNN, data: TaskData) -> tuple[float, float, float, float]:
    """Loss, accuracy, and the mean gradient norm reaching the first and the last word, on ``data``."""
    model.eval()
    x_cols = model.input_columns(data.ids).detach().requires_grad_(True)  # (N, T, G*H)
    with torch.enable_grad():
        loss, logits = _loss_and_logits(model, x_cols, data.labels, data.mask)
        (grad,) = torch.autograd.grad(loss * len(data.labels), x_cols)  # per-example gradients (the mean undone)
    norms = grad.norm(dim=-1)  # (N, T)
    first = norms.gather(1, data.first_positions.view(-1, 1))[:, 0]  # (N,) at each sequence's first real word
    accuracy = float((class_indices(torch.sigmoid(logits.detach())) == data.labels).float().mean())
    return float(loss.detach()), accuracy, float(first.mean()), float(norms[:, -1].mean())


def train_live(
    cfg: LiveConfig, train: TaskData, heldout: TaskData, vocab_size: int, should_stop: Callable[[], bool] = lambda: False
) -> Iterator[Progress | SentimentRNN]:
    """Train a fresh model; yields Progress about every second (and after every epoch), then the trained model.

    Stops early, still yielding the model, when should_stop() turns true or cfg.max_seconds pass.
    Raises TrainingDiverged if the loss stops being a number.
    """
    model = untrained(ModelConfig(cfg.cell, "sigmoid", cfg.hidden_size, vocab_size), cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    per_epoch = math.ceil(len(train.labels) / cfg.batch_size)
    steps, step, start, last_report = cfg.epochs * per_epoch, 0, time.perf_counter(), 0.0
    running: list[tuple[float, float]] = []
    for epoch in range(1, cfg.epochs + 1):
        order = torch.randperm(len(train.labels), generator=gen)
        for k in range(per_epoch):
            part = train[order[k * cfg.batch_size : (k + 1) * cfg.batch_size]]
            model.train()
            loss, logits = _batch_loss(model, part)
            if not torch.isfinite(loss):
                raise TrainingDiverged(f"the loss became {loss.item()} at epoch {epoch}: try a smaller learning rate")
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
            opt.step()
            step += 1
            right = (class_indices(torch.sigmoid(logits.detach())) == part.labels).float().mean()
            running.append((float(loss.detach()), float(right)))
            now = time.perf_counter() - start
            stop = should_stop() or now > cfg.max_seconds
            if now - last_report >= cfg.report_seconds or k == per_epoch - 1 or stop:
                yield _progress(model, heldout, running, (epoch, step, steps, per_epoch), now)
                running, last_report = [], now
            if stop:
                model.eval()
                yield model
                return
    model.eval()
    yield model


def _progress(model: SentimentRNN, heldout: TaskData, running: list, where: tuple[int, int, int, int], now: float) -> Progress:
    epoch, step, steps, per_epoch = where
    held_loss, held_acc, first, last = measure(model, heldout)
    train_loss = sum(r[0] for r in running) / len(running)
    train_acc = sum(r[1] for r in running) / len(running)
    return Progress(epoch, step, steps, train_loss, train_acc, held_loss, held_acc, first, last, now, step / per_epoch)
