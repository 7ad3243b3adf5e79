"""Training throughput per cell, against torch.nn's fused cells trained the same way, and the time to reach each
shipped model's dev accuracy."""

from __future__ import annotations

import dataclasses
import json
import os
import random
from pathlib import Path

import torch

from rnn_core.model.checkpoint import MODELS_DIR, load_vocab
from rnn_core.model.network import ModelConfig, SentimentRNN
from rnn_core.model.train import TrainConfig, train_epoch
from rnn_core.text.batches import Examples, training_examples
from rnn_core.text.treebank import Phrase, read_split, unique_phrases

from .compute import CELL_MODELS, TorchTwin
from .timing import sample, stats

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "sst"  # where the team keeps it


def card(name: str) -> dict:
    return json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def shipped_config(name: str) -> TrainConfig:
    """The hyper-parameters the shipped model was trained with (its card), which may differ from today's preset."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in card(name)["hyper_parameters"].items() if k in known})


def phrase_slice(count: int, split: str) -> tuple[list[Phrase], str]:
    """The first ``count`` distinct labelled phrases of a treebank split, and where they came from.

    Without the treebank (no RNN_LENS_DATA and not at ../shared/data/sst) random word sequences with the
    treebank's phrase lengths stand in: throughput depends on lengths and batch sizes, not on the words.
    """
    folder = Path(os.environ.get("RNN_LENS_DATA") or DEFAULT_DATA)
    if (folder / f"{split}.txt").is_file():
        return unique_phrases(read_split(folder, split))[:count], f"treebank {split} split, first {count} distinct phrases"
    rng = random.Random(0)
    vocab = load_vocab()
    words = vocab.itos[2:]
    lengths = [max(1, min(50, int(rng.expovariate(1 / 7)) + 1)) for _ in range(count)]  # mostly short phrases, like SST
    phrases = [Phrase(tuple(rng.choice(words) for _ in range(n)), rng.randrange(5)) for n in lengths]
    return phrases, f"no treebank found: {count} random phrases with SST-like lengths"


def _ours(cfg: TrainConfig, vocab_size: int) -> SentimentRNN:
    torch.manual_seed(cfg.seed)
    model = SentimentRNN(ModelConfig(cfg.cell, cfg.head, cfg.hidden_size, vocab_size))
    model.input_dropout.p = cfg.input_dropout
    return model


def _epoch_seconds(model: torch.nn.Module, data: Examples, cfg: TrainConfig) -> float:
    """Seconds of one pass over ``data`` with train_epoch (Adam, clipping, the preset's batches), fresh optimiser."""
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=cfg.lr, weight_decay=cfg.weight_decay)
    return sample(lambda: train_epoch(model, data, opt, cfg, random.Random(cfg.seed)), 1)


def throughput(phrases: list[Phrase], repeats: int, threads: int) -> list[dict]:
    """Phrases per second of one training pass for each cell, ours against its torch.nn twin, interleaved."""
    torch.set_num_threads(threads)
    vocab = load_vocab()
    rows = []
    for cell, name in CELL_MODELS.items():
        cfg = shipped_config(name)
        data = training_examples(phrases, vocab, cfg.head)
        ours = _ours(cfg, len(vocab))
        twin = TorchTwin(ours)
        warm = Examples(data.ids[: cfg.batch_size * 2], data.targets[: cfg.batch_size * 2])
        _epoch_seconds(ours, warm, cfg), _epoch_seconds(twin, warm, cfg)
        mine, theirs = [], []
        for r in range(repeats):
            pair = [(mine, ours), (theirs, twin)]
            for times, model in pair if r % 2 == 0 else pair[::-1]:
                times.append(_epoch_seconds(model, data, cfg))
        n = len(data)
        rows.append(
            {
                "cell": cell,
                "model": name,
                "batch_size": cfg.batch_size,
                "phrases": n,
                "phrases_per_second": stats([n / t for t in mine]),
                "torch_nn_phrases_per_second": stats([n / t for t in theirs]),
                "ratio_to_torch_nn": stats([(n / a) / (n / b) for a, b in zip(mine, theirs)]),
                "seconds": stats(mine),
            }
        )
    return rows


def time_to_accuracy(rows: list[dict]) -> list[dict]:
    """How long the shipped model took to reach its dev accuracy, from its card, and from today's throughput.

    The card keeps the total training time, the epochs run and the best epoch (the one shipped), not a time per
    epoch; every epoch is one pass over the same phrases plus a dev evaluation, so the time to the best epoch is
    taken as train_seconds * best_epoch / epochs_run. The estimate from today's throughput is best_epoch passes
    over the card's train_phrases at the phrases/s measured above (2 threads; the cards record the threads used),
    without the dev evaluations and data loading: a lower bound on this machine now.
    """
    out = []
    for row in rows:
        c = card(row["model"])
        from_card = c["train_seconds"] * c["best_epoch"] / c["epochs_run"]
        estimate = c["best_epoch"] * c["train_phrases"] / row["phrases_per_second"]["median"]
        out.append(
            {
                "model": row["model"],
                "dev_accuracy": c["dev_accuracy"],
                "best_epoch": c["best_epoch"],
                "epochs_run": c["epochs_run"],
                "card_train_seconds": c["train_seconds"],
                "card_torch_threads": c.get("torch_threads"),
                "seconds_from_card": round(from_card, 1),
                "seconds_estimated_now": round(estimate, 1),
                "ratio_estimate_to_card": round(estimate / from_card, 3),
            }
        )
    return out
