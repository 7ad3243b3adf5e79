"""Train a model on every labelled phrase of the treebank's training split.

    python -m rnn_core.train --preset rnn-sst2 [--data-dir DIR] [--out DIR]

Selects the epoch with the best dev accuracy (whole sentences) and writes
NAME.pt and its model card NAME.json.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch

from ..text.batches import Examples, length_batches, prefix_labels, training_examples
from ..text.data import find_data_dir
from ..text.treebank import Phrase, read_split, sentences, unique_phrases
from ..text.vocab import Vocab
from .checkpoint import MODELS_DIR, VOCAB_PATH, load_vocab, save_model
from .cli import training_parser
from .evaluate import evaluate_model
from .network import ModelConfig, SentimentRNN
from .order_eval import order_card_fields


@dataclass(frozen=True)
class TrainConfig:
    cell: str = "rnn"
    head: str = "sigmoid"
    hidden_size: int = 64  # every unit still fits on one heatmap
    epochs: int = 6  # dev accuracy stops improving after about 4-6 passes over the phrases
    batch_size: int = 64  # small batches: more updates per second on 2 cores
    lr: float = 2e-3  # Adam
    lr_decay: float = 1.0  # learning rate multiplied by this after every epoch
    ema_decay: float = 0.0  # > 0: also keep a running average of the weights (updated every batch), a candidate at each epoch
    weight_decay: float = 0.0
    input_dropout: float = 0.3  # on W_x x_t: the dictionary columns overfit first
    clip_norm: float = 5.0  # plain RNNs can explode; clipping keeps training stable
    # "phrases": one example per distinct labelled phrase, a loss after its last word. "prefixes": the same labels,
    # but a phrase that starts another one of its tree ("not good" in "not good at all") is not run on its own: the
    # longer phrase carries a loss after each labelled prefix, which reads the same words from the same start state.
    examples: str = "phrases"
    neutral_weight: float = 1.0  # sigmoid head: loss weight of neutral phrases (target 0.5); 0 drops them, as SST-2 usually does
    sentence_weight: float = 1.0  # loss weight of whole sentences against other phrases: 1, the treebank's usual setting
    # True: the training forward pass runs torch's C++ recurrence on the same weights (the same numbers, 1.1-1.8x faster
    # on this machine); False: the model's own step loop, the reference (and what bench/ compares torch.nn against).
    fused: bool = False
    seed: int = 13
    max_seconds: float = 280.0  # stay within the 5-minute training budget


PRESETS = {
    "rnn-sst2": TrainConfig(cell="rnn", head="sigmoid"),
    # Gated cells: 4x / 3x the weights of the plain RNN, so fewer, larger batches per second.
    "lstm-sst2": TrainConfig(cell="lstm", head="sigmoid", batch_size=128, lr=3e-3, ema_decay=0.999, epochs=4, max_seconds=300.0),
    "gru-sst2": TrainConfig(cell="gru", head="sigmoid", batch_size=128, lr=3e-3, lr_decay=0.7),
    "rnn-sst3": TrainConfig(cell="rnn", head="softmax"),
    "rnn-sst3-sigmoid3": TrainConfig(cell="rnn", head="sigmoid3"),
    "tiny-sst2": TrainConfig(cell="rnn", head="sigmoid", hidden_size=1, lr=1e-2, input_dropout=0.0, epochs=4),
}


EXAMPLES = ("phrases", "prefixes")


def loss_fn(logits: torch.Tensor, targets: torch.Tensor, head: str, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy (softmax) or binary cross-entropy per output (sigmoid, sigmoid3).

    reduction "mean": the mean over examples (and outputs); "none": one loss per example, (N, C) -> (N,), summed over outputs.
    """
    if head == "softmax":
        return torch.nn.functional.cross_entropy(logits, targets, reduction=reduction)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none").sum(-1)  # (N,)
    return loss.mean() / logits.shape[-1] if reduction == "mean" else loss


def fused_logits(model: SentimentRNN, ids: torch.Tensor) -> torch.Tensor:
    """model(ids) computed by torch's own rnn_tanh / lstm / gru on the model's weights (for training speed).

    Their input matrix is the identity: the input is already W_x x_t, the column the model takes. Shape (B, T) -> (B, T, C).
    """
    cell, H = model.config.cell, model.config.hidden_size
    x = model.input_dropout(model.input_columns(ids))  # (B, T, G*H)
    eye, no_bias = torch.eye(x.shape[-1]), torch.zeros(x.shape[-1])
    h0 = torch.zeros(1, ids.shape[0], H)  # (layers, B, H)
    hh_bias = torch.cat([no_bias[: 2 * H], model.b_hn]) if cell == "gru" else no_bias  # PyTorch's b_hn sits in b_hh
    weights = [eye, model.W_hh, model.b_h, hh_bias]
    args = (weights, True, 1, 0.0, model.training, False, True)  # biases, layers, dropout, train, bidirectional, batch_first
    if cell == "lstm":
        hidden = torch.lstm(x, (h0, h0.clone()), *args)[0]  # (B, T, H)
    else:
        hidden = (torch.rnn_tanh if cell == "rnn" else torch.gru)(x, h0, *args)[0]  # (B, T, H)
    return hidden @ model.W_hy.t() + model.b_y  # (B, T, C)


def batch_loss(logits: torch.Tensor, batch: list[int], data: Examples, head: str) -> torch.Tensor:
    """Weighted mean loss over every labelled answer of a batch: after the last word and, with prefixes, after each
    labelled prefix (weights from data, else 1). Shape: logits (B, T, C) for data.ids[i], i in batch.
    """
    if data.prefixes is None and data.weights is None:
        return loss_fn(logits[:, -1], data.targets[batch], head)
    weights = data.weights[batch] if data.weights is not None else torch.ones(len(batch))  # (B,)
    total, count = (loss_fn(logits[:, -1], data.targets[batch], head, "none") * weights).sum(), weights.sum()
    if data.prefixes is not None:
        parts = [data.prefixes[i] for i in batch]
        rows = torch.cat([torch.full_like(part[0], r) for r, part in enumerate(parts)])  # (K,)
        steps, targets, step_weights = (torch.cat(column) for column in zip(*parts))  # (K,), (K, ...), (K,)
        if len(steps):
            total = total + (loss_fn(logits[rows, steps], targets, head, "none") * step_weights).sum()
            count = count + step_weights.sum()
    return total / (count.clamp(min=1e-8) * (1 if head == "softmax" else logits.shape[-1]))


def outer_phrases(phrases: list[Phrase], prefixes: dict[tuple[str, ...], list[tuple[int, int]]]) -> list[Phrase]:
    """The phrases that are not a labelled prefix of another phrase: with their prefixes they carry every label."""
    inner = {p.tokens[: t + 1] for p in phrases for t, _ in prefixes.get(p.tokens, [])}
    return [p for p in phrases if p.tokens not in inner]


def training_data(cfg: TrainConfig, vocab: Vocab, train_trees: list[list[Phrase]]) -> Examples:
    """Every labelled phrase of the training trees, as one example each or as outer phrases with prefix targets;
    neutral targets of the sigmoid head weighted by cfg.neutral_weight, whole sentences by cfg.sentence_weight."""
    if cfg.examples not in EXAMPLES:
        raise ValueError(f"unknown examples {cfg.examples!r}; choose one of {EXAMPLES}")
    phrases = unique_phrases(train_trees)
    prefixes = prefix_labels(train_trees) if cfg.examples == "prefixes" else None
    if prefixes is not None:
        phrases = outer_phrases(phrases, prefixes)
    label_weights = {2: cfg.neutral_weight} if cfg.head == "sigmoid" and cfg.neutral_weight != 1.0 else None
    data = training_examples(phrases, vocab, cfg.head, prefixes, label_weights)
    if cfg.sentence_weight == 1.0:
        return data
    whole = {s.tokens for s in sentences(train_trees)}
    scale = torch.tensor([cfg.sentence_weight if p.tokens in whole else 1.0 for p in phrases])  # (N,)
    return replace(data, weights=scale if data.weights is None else data.weights * scale)


def optimizer_step(loss, opt, params: list, clip_norm: float, average: list | None, ema_decay: float) -> None:
    """Backpropagate ``loss``, clip the gradients' norm, step; ``average`` (one tensor per parameter, or None) follows
    the weights as a running average: average <- average + (1 - ema_decay) * (weights - average)."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip_norm)
    opt.step()
    if average is not None:
        with torch.no_grad():
            for mean, param in zip(average, params):
                mean.lerp_(param, 1.0 - ema_decay)


def train_epoch(
    model: SentimentRNN,
    data: Examples,
    opt: torch.optim.Optimizer,
    cfg: TrainConfig,
    rng: random.Random,
    average: list[torch.Tensor] | None = None,
) -> float:
    """One pass over the phrases; ``average`` (one tensor per parameter) follows the weights as an exponential average."""
    model.train()
    params = list(model.parameters())
    total, count = 0.0, 0
    for batch in length_batches(data.ids, cfg.batch_size, rng):
        ids = torch.tensor([data.ids[i] for i in batch])  # (B, T)
        logits = fused_logits(model, ids) if cfg.fused and isinstance(model, SentimentRNN) else model(ids)  # (B, T, C)
        loss = batch_loss(logits, batch, data, cfg.head)
        optimizer_step(loss, opt, params, cfg.clip_norm, average, cfg.ema_decay)
        total, count = total + loss.item() * len(batch), count + len(batch)
    model.eval()
    return total / max(count, 1)


def fit(
    cfg: TrainConfig, vocab: Vocab, train_trees: list[list[Phrase]], dev: list[Phrase], log=None
) -> tuple[SentimentRNN, dict]:
    """Train, keep the best epoch on dev; returns the model and a summary."""
    log = log or (lambda msg: print(msg, flush=True))
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model = SentimentRNN(ModelConfig(cfg.cell, cfg.head, cfg.hidden_size, len(vocab)))
    model.vocab = vocab
    model.input_dropout.p = cfg.input_dropout
    data = training_data(cfg, vocab, train_trees)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg.lr_decay)
    average = [p.detach().clone() for p in model.parameters()] if cfg.ema_decay > 0 else None
    best = {"dev_accuracy": -1.0, "epoch": 0, "weights": "epoch"}
    best_state = None
    start, cpu_start = time.perf_counter(), time.process_time()
    for epoch in range(1, cfg.epochs + 1):
        loss = train_epoch(model, data, opt, cfg, rng, average)
        schedule.step()
        candidates = {"epoch": {k: v.clone() for k, v in model.state_dict().items()}}
        if average is not None:
            names = [name for name, _ in model.named_parameters()]
            candidates["average"] = {**candidates["epoch"], **{n: a.clone() for n, a in zip(names, average)}}
        scores = {}
        for kind, state in candidates.items():
            model.load_state_dict(state)
            scores[kind] = evaluate_model(model, dev)["accuracy"]
        model.load_state_dict(candidates["epoch"])
        elapsed = time.perf_counter() - start
        shown = "  ".join(f"{'averaged weights ' if k == 'average' else ''}dev accuracy {v:.4f}" for k, v in scores.items())
        log(f"epoch {epoch}  loss {loss:.4f}  {shown}  elapsed {elapsed:.0f}s (cpu {time.process_time() - cpu_start:.0f}s)")
        for kind, dev_acc in scores.items():
            if dev_acc > best["dev_accuracy"]:
                best = {"dev_accuracy": dev_acc, "epoch": epoch, "weights": kind}
                best_state = candidates[kind]
        if elapsed * (epoch + 1) / epoch > cfg.max_seconds:
            log(f"stopping: another epoch would pass the {cfg.max_seconds:.0f}s budget")
            break
    model.load_state_dict(best_state)
    return model, {
        **best,
        "epochs_run": epoch,
        "train_seconds": round(time.perf_counter() - start, 1),
        "train_cpu_seconds": round(time.process_time() - cpu_start, 1),  # below train_seconds when other work shares the core
        "phrases": len(data),
    }


def model_card(name: str, cfg: TrainConfig, model: SentimentRNN, summary: dict, test: dict, order: dict | None = None) -> dict:
    """The card: data, selection, accuracy, time, hyper-parameters, and ``order`` (order_eval.order_card_fields)."""
    task = "binary (SST-2: neutral sentences dropped)" if cfg.head == "sigmoid" else "three-class (SST-3)"
    how = (
        " (one example per phrase)" if cfg.examples == "phrases" else " (as outer phrases with a loss after each labelled prefix)"
    )
    return {
        "name": name,
        **model.config.to_dict(),
        "classes": list(model.config.classes),
        "task": task,
        "data": "Stanford Sentiment Treebank; trained on every labelled phrase of the train split"
        + how
        + ("; neutral phrases as target 0.5" if cfg.head == "sigmoid" else ""),
        "selection": "epoch with the best sentence-level dev accuracy"
        + (" (the weights at the epoch's end, or their running average if better)" if cfg.ema_decay > 0 else ""),
        "selected_weights": summary.get("weights", "epoch"),
        "dev_accuracy": round(summary["dev_accuracy"], 4),
        "test_accuracy": round(test["accuracy"], 4),
        "test_n": test["n"],
        "test_per_class": test["per_class"],
        **(order or {}),
        "train_seconds": summary["train_seconds"],
        "train_cpu_seconds": summary.get("train_cpu_seconds"),
        "best_epoch": summary["epoch"],
        "epochs_run": summary["epochs_run"],
        "train_phrases": summary["phrases"],
        "seed": cfg.seed,
        "hyper_parameters": asdict(cfg),
        "torch_threads": torch.get_num_threads(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = training_parser(__doc__.splitlines()[0], PRESETS, str(MODELS_DIR), threads=2)
    parser.add_argument("--epochs", type=int, default=None, help="override the preset's epoch count")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = PRESETS[args.preset] if args.epochs is None else replace(PRESETS[args.preset], epochs=args.epochs)
    folder = find_data_dir(args.data_dir)
    train_trees = read_split(folder, "train")
    if not VOCAB_PATH.exists():
        Vocab.build([s.tokens for s in sentences(train_trees)]).save(VOCAB_PATH)
    vocab = load_vocab(str(VOCAB_PATH))
    model, summary = fit(cfg, vocab, train_trees, sentences(read_split(folder, "dev")))
    test_sentences = sentences(read_split(folder, "test"))
    test = evaluate_model(model, test_sentences)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_model(model, out / f"{args.preset}.pt", vocab)
    card = model_card(args.preset, cfg, model, summary, test, order_card_fields(model, test_sentences))
    (out / f"{args.preset}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    shown = ("name", "dev_accuracy", "test_accuracy", "test_negation_accuracy", "minimal_pairs_both_right", "train_seconds")
    print(json.dumps({k: card[k] for k in shown}))


if __name__ == "__main__":
    main()
