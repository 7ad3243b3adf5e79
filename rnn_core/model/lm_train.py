"""Train a language model on the words of the treebank's training sentences, with the n-gram baseline beside it.

    python -m rnn_core.lm_train --preset lm-rnn|lm-lstm|lm-cond [--data-dir DIR] [--out DIR] [--threads 1]

(the shipped lm-lstm and lm-cond were trained with --threads 2, lm-rnn with 1)

Keeps the epoch with the lowest dev perplexity, then writes NAME.pt (float16) and the card NAME.json: perplexity on
dev and test beside an interpolated modified Kneser-Ney n-gram model fitted on the same sentences in the same run,
training time and sizes; for lm-cond also the perplexity per label and how often the sentiment models call the
sentences it writes the label it was asked for, after the strength of its label's bias is set (lm_mood).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from ..text.batches import length_batches
from ..text.data import find_data_dir
from ..text.sentences import read_sentences
from ..text.treebank import BINARY, Phrase, read_split, unique_phrases
from .checkpoint import load_vocab
from .cli import training_parser
from .language import (
    LABELS,
    LM_DIR,
    LanguageConfig,
    LanguageRNN,
    fused_hidden,
    lm_vocab,
    load_language_model,
    save_language_model,
)
from .lm_eval import (
    binary_labels,
    card_fields,
    encode,
    evaluation,
    fit_ngram,
    label_agreement,
    label_pathways,
    lm_perplexity,
    strength_for,
)
from .sampled_softmax import Sampler
from .train import optimizer_step


@dataclass(frozen=True)
class LMTrainConfig:
    cell: str = "lstm"
    hidden_size: int = 256  # the memory; larger overfits 164k training words sooner unless held back (lm-lstm: 512)
    embed_size: int = 128  # word vectors, tied in and out: the 10,001-way output costs half of what H would
    conditional: bool = False  # True: the first hidden state comes from the sentence's label (negative, positive)
    label_every_step: bool = False  # conditional only: the label is also read beside every word (W_lx, b_label)
    label_lr: float | None = None  # a learning rate of its own for the label's weights (None: ``lr``)
    phrase_words: int = 0  # > 0 (conditional): also every distinct labelled training phrase of at least this many words
    epochs: int = 40  # an upper bound: the time budget or dev perplexity ends training first
    batch_size: int = 32  # sentences of equal length per batch (no padding)
    lr: float = 3e-3  # Adam
    sampled: int = 512  # words drawn per batch for the sampled softmax (0: the full softmax from the start)
    sampled_head: int = 2000  # the most frequent words, always scored exactly: about 87% of the training tokens
    min_gain: float = 0.01  # an epoch "improves" if it lowers the best dev perplexity by at least 1%
    lr_decay: float = 0.3  # an epoch that does not improve: back to the best weights, learning rate times this...
    sampled_decays: int = 2  # ...this many times; then come the epochs with the full 10,001-way softmax
    full_epochs: int = 2  # at most this many: the softmax the model is used with, at the last learning rate
    full_decays: int = 0  # a full-softmax epoch that does not improve: stop, or (this many times) back to the best
    #                       weights at a lower learning rate, as in the sampled phase
    ema_decay: float = 0.995  # the full phase also keeps a running average of the weights (a candidate at each epoch)
    dropout: float = 0.4  # on word vectors and on h_t before the output: 164k words overfit fast
    weight_drop: float = 0.4  # and on W_hh's weights, a new mask each batch (DropConnect, as AWD-LSTM does)
    weight_decay: float = 1e-6
    clip_norm: float = 1.0  # a plain tanh RNN's gradients can explode
    start_from: str | None = None  # a trained language model (same sizes) whose weights this one starts from
    seed: int = 13
    max_seconds: float = 540.0  # wall-clock seconds of training: within the 10-minute budget


FULL_COST = 2.5  # a full-softmax epoch takes about this many times a sampled one
PRESETS = {
    "lm-rnn": LMTrainConfig(cell="rnn", lr=2e-3, dropout=0.3),  # fewer weights than the LSTM: less to regularise
    # A wider memory held back by more dropout, the full softmax from the first epoch (the sampled one's gradient is an
    # approximation), the running average of the weights as the candidate; trained with --threads 2.
    "lm-lstm": LMTrainConfig(
        cell="lstm",
        hidden_size=512,
        dropout=0.5,
        weight_drop=0.5,
        lr=3e-3,
        sampled=0,
        full_epochs=40,
        full_decays=2,
        min_gain=0.003,
        ema_decay=0.998,
        max_seconds=570.0,
    ),
    # The unconditional LSTM has read every training sentence; from its weights, the labelled ones teach the mood.
    # The label is read beside every word as well as setting h_0: from h_0 alone the LSTM forgot the mood in a few words.
    "lm-cond": LMTrainConfig(
        cell="lstm",
        hidden_size=512,  # lm-lstm's sizes: it starts from its weights
        dropout=0.5,  # lm-lstm's, whose weights it starts from
        weight_drop=0.5,
        ema_decay=0.99,  # a short average: a long one keeps much of the label weights' zero start, and little mood
        conditional=True,
        label_every_step=True,
        start_from="lm-lstm",
        sampled=0,
        lr=1e-4,
        label_lr=0.1,
        full_epochs=10,
        min_gain=0.0,
    ),
}


def train_epoch(model: LanguageRNN, data: tuple, opt, cfg: LMTrainConfig, rng, sampler: Sampler | None, average=None) -> float:
    """One pass over the sentences (data: ids and labels or None), sampled softmax if a sampler is given, else the
    full one; ``average`` (a tensor per parameter) follows the weights as a running average. Returns the mean loss."""
    ids, labels = data
    params = list(model.parameters())
    model.train()
    total, count = 0.0, 0
    for batch in length_batches(ids, cfg.batch_size, rng):
        words = torch.tensor([ids[i] for i in batch])  # (B, T)
        eos = torch.full((len(batch), 1), model.eos_id)  # (B, 1)
        inputs, targets = torch.cat([eos, words], dim=1), torch.cat([words, eos], dim=1)  # (B, T + 1) each
        lab = torch.tensor([labels[i] for i in batch]) if labels is not None else None
        hidden = fused_hidden(model, inputs, lab).flatten(0, 1)  # (B*(T+1), H)
        if sampler is not None:
            loss = sampler.loss(model, hidden, targets.flatten())
        else:
            row_labels = None if lab is None else lab.repeat_interleave(inputs.shape[1])  # (B*(T+1),) one per row
            logits = model.logits_of(hidden, row_labels)  # (B*(T+1), V)
            loss = torch.nn.functional.cross_entropy(logits, targets.flatten())
        optimizer_step(loss, opt, params, cfg.clip_norm, average, cfg.ema_decay)
        total, count = total + loss.item() * targets.numel(), count + targets.numel()
    model.eval()
    return total / max(count, 1)


def _next_phase(phase: str, improved: bool, elapsed: float, last: float, runs: tuple[int, int], cfg: LMTrainConfig) -> str:
    """After an epoch: "sampled", "decay" (sampled again, at a lower learning rate), "full", "full decay" (full again,
    from the best weights at a lower learning rate) or "stop".

    The sampled phase goes on while it improves dev perplexity, then at a lower learning rate (``sampled_decays``
    times), as long as the budget keeps room for a full-softmax epoch (FULL_COST times a sampled one); the full
    phase goes on while it improves, then at a lower learning rate (``full_decays`` times). ``runs``: sampled-phase
    decays so far, full-softmax epochs so far, full-phase decays so far. Seconds are wall-clock.
    """
    decays, full_run, full_decayed = runs
    if phase == "sampled" and elapsed + last * (1 + FULL_COST) <= cfg.max_seconds:
        if improved or decays < cfg.sampled_decays:
            return "sampled" if improved else "decay"
    full_epoch = last * (FULL_COST if phase == "sampled" else 1)
    room = full_run < cfg.full_epochs and elapsed + full_epoch <= cfg.max_seconds
    if room and (phase == "sampled" or improved):
        return "full"
    return "full decay" if room and full_decayed < cfg.full_decays else "stop"


def labelled_phrases(folder: Path, min_words: int) -> list[Phrase]:
    """Every distinct phrase of the training trees with at least ``min_words`` tokens that a reader calls negative or
    positive, whole sentences left out (they are read as sentences already)."""
    trees = read_split(folder, "train")
    whole = {t[0].tokens for t in trees}
    return [p for p in unique_phrases(trees) if len(p.tokens) >= min_words and p.label in BINARY and p.tokens not in whole]


def new_model(cfg: LMTrainConfig, vocab, folder: Path = LM_DIR) -> LanguageRNN:
    """The model a preset starts from: its seed's random weights, or those of ``cfg.start_from`` (in ``folder``) for
    every weight both have (a conditional model's W_label stays random)."""
    torch.manual_seed(cfg.seed)
    labels = len(LABELS) if cfg.conditional else 0
    config = LanguageConfig(cfg.cell, cfg.hidden_size, cfg.embed_size, len(vocab), labels, cfg.label_every_step)
    model = LanguageRNN(config)
    if cfg.start_from:
        start = load_language_model(folder / f"{cfg.start_from}.pt", load_vocab())
        model.load_state_dict({**model.state_dict(), **start.state_dict()})
    model.vocab, model.dropout.p, model.weight_drop = vocab, cfg.dropout, cfg.weight_drop
    return model


def parameter_groups(model: LanguageRNN, cfg: LMTrainConfig) -> list[dict]:
    """Adam's parameter groups: the label's weights (W_label, W_lx, b_label) at ``label_lr`` if set, the rest at lr."""
    named = dict(model.named_parameters())
    label_names = {"W_label", "W_lx", "b_label"} & named.keys() if cfg.label_lr else set()
    rest = [p for n, p in named.items() if n not in label_names]
    groups = [{"params": rest}]
    if label_names:
        groups.append({"params": [named[n] for n in sorted(label_names)], "lr": cfg.label_lr})
    return groups


def _candidates(model: LanguageRNN, average, dev: tuple) -> dict[str, tuple[float, dict]]:
    """Dev perplexity and weights of the epoch's end, and of the running average if there is one."""
    out = {"epoch": (lm_perplexity(model, *dev), {k: v.clone() for k, v in model.state_dict().items()})}
    if average is not None:
        names = [name for name, _ in model.named_parameters()]
        state = {**out["epoch"][1], **{n: a.clone() for n, a in zip(names, average)}}
        model.load_state_dict(state)
        out["average"] = (lm_perplexity(model, *dev), state)
        model.load_state_dict(out["epoch"][1])
    return out


def fit(cfg: LMTrainConfig, vocab, train, dev, log=print, folder: Path = LM_DIR) -> tuple[LanguageRNN, dict]:
    """Train (sampled softmax first, then the full one); keep the weights with the lowest dev perplexity: an epoch's
    end or, in the full phase, the running average of the weights."""
    rng, model = random.Random(cfg.seed), new_model(cfg, vocab, folder)
    (train, labels), (dev, dev_labels) = (
        (binary_labels(train), binary_labels(dev)) if cfg.conditional else ((train, None), (dev, None))
    )
    ids, dev_data = encode(train, vocab), (encode(dev, vocab), dev_labels)
    opt = torch.optim.Adam(parameter_groups(model, cfg), lr=cfg.lr, weight_decay=cfg.weight_decay)
    if cfg.sampled and model.reads_label_each_step:
        raise ValueError("the sampled softmax does not score the label's output bias: use sampled=0")
    sampler = Sampler(ids, len(vocab), cfg.sampled, cfg.sampled_head, model.eos_id) if cfg.sampled else None
    if not cfg.start_from:  # the output starts at the unigram distribution: the first batches need not learn it
        with torch.no_grad():
            counts = torch.bincount(torch.tensor([i for s in ids for i in s] + [model.eos_id] * len(ids)), minlength=len(vocab))
            model.b_y.copy_(torch.log((counts.float() + 0.1) / counts.sum()))
    best, best_state, cpu, start = {"dev_perplexity": float("inf"), "epoch": 0}, None, time.process_time(), time.perf_counter()
    phase, full_run, decays, full_decayed, average = ("sampled" if sampler else "full"), 0, 0, 0, None
    for epoch in range(1, cfg.epochs + 1):
        began = time.perf_counter()
        if phase == "full" and average is None and cfg.ema_decay:
            average = [p.detach().clone() for p in model.parameters()]
        loss = train_epoch(model, (ids, labels), opt, cfg, rng, sampler if phase == "sampled" else None, average)
        scores, full_run = _candidates(model, average, dev_data), full_run + (phase == "full")
        elapsed = time.perf_counter() - start
        shown = "  ".join(f"{k} {v[0]:.2f}" for k, v in scores.items())
        log(f"epoch {epoch} ({phase} softmax)  loss {loss:.4f}  dev perplexity: {shown}  {elapsed:.0f} s")
        kind, (dev_ppl, state) = min(scores.items(), key=lambda kv: kv[1][0])
        improved = dev_ppl < best["dev_perplexity"] * (1 - cfg.min_gain)
        if dev_ppl < best["dev_perplexity"]:
            best, best_state = {"dev_perplexity": dev_ppl, "epoch": epoch, "weights": kind}, state
        phase = _next_phase(phase, improved, elapsed, time.perf_counter() - began, (decays, full_run, full_decayed), cfg)
        if phase == "stop":
            break
        if phase in ("decay", "full decay"):  # back to the best weights so far, on at a lower learning rate
            model.load_state_dict(best_state)
            for group in opt.param_groups:
                group["lr"] *= cfg.lr_decay
            if phase == "decay":
                phase, decays = "sampled", decays + 1
            else:  # with a fresh running average
                phase, full_decayed, average = "full", full_decayed + 1, None
    model.load_state_dict(best_state)
    seconds = {"train_cpu_seconds": round(time.process_time() - cpu, 1), "train_seconds": round(time.perf_counter() - start, 1)}
    summary = {"epochs_run": epoch, "full_softmax_epochs": full_run, **seconds}
    return model.eval(), {**best, **summary, "tokens": sum(len(s) + 1 for s in ids)}


def lm_card(name: str, cfg: LMTrainConfig, model: LanguageRNN, summary: dict, dev: dict, test: dict, path: Path) -> dict:
    """The card: data, selection, perplexities beside the n-gram baseline's, time, sizes, hyper-parameters."""
    return {
        "name": name,
        "kind": "language model",
        **model.config.to_dict(),
        "data": "Stanford Sentiment Treebank: the words of the training sentences"
        + (" a reader calls negative or positive, each read from its label" if cfg.conditional else "")
        + (f", and their distinct phrases of {cfg.phrase_words} or more words so labelled" if cfg.phrase_words else ""),
        "tokens": "the 10,000-word dictionary plus <eos> (the end of a sentence, also read as its start)",
        "perplexity_counts": "every word and each sentence's end; <unk> counts as a word",
        "selection": "epoch with the lowest dev perplexity (its final weights, or in the full-softmax phase their running average)",
        "selected_weights": summary.get("weights", "epoch"),
        **card_fields(dev, test),
        "train_seconds": summary["train_seconds"],
        "train_cpu_seconds": summary["train_cpu_seconds"],
        "full_softmax_epochs": summary["full_softmax_epochs"],
        "best_epoch": summary["epoch"],
        "epochs_run": summary["epochs_run"],
        "train_tokens": summary["tokens"],
        "parameters": sum(p.numel() for p in model.parameters()),
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "stored_as": "float16",
        "seed": cfg.seed,
        "hyper_parameters": asdict(cfg),
        "torch_threads": torch.get_num_threads(),
    }


def main(argv: list[str] | None = None) -> None:
    args = training_parser(__doc__.splitlines()[0], PRESETS, str(LM_DIR)).parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = PRESETS[args.preset]
    folder = find_data_dir(args.data_dir)
    vocab = lm_vocab(load_vocab())
    train, dev = read_sentences(folder, "train"), read_sentences(folder, "dev")
    extra = labelled_phrases(folder, cfg.phrase_words) if cfg.conditional and cfg.phrase_words else []
    model, summary = fit(cfg, vocab, train + extra, dev, lambda msg: print(msg, flush=True), Path(args.out))
    model.name = args.preset
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{args.preset}.pt"
    save_language_model(model, path, vocab)
    model = load_language_model(path, load_vocab())  # measured as shipped: float16 weights read back
    calibration = strength_for(model, folder) if model.reads_label_each_step else {}
    if calibration:  # the label's strength, chosen on sentences other than the card's, is part of the model file
        save_language_model(model, path, vocab)
    ngram = fit_ngram(train, vocab)
    dev_eval, test_eval = (evaluation(model, folder, split, ngram) for split in ("dev", "test"))
    card = lm_card(args.preset, cfg, model, summary, dev_eval, test_eval, path)
    if calibration:
        card["label_strength"] = calibration
    if cfg.conditional:
        card["label_agreement"] = label_agreement(model)
        if model.reads_label_each_step:
            card["label_pathways"] = label_pathways(model)
    (out / f"{args.preset}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    shown = ("name", "dev_perplexity", "test_perplexity", "ngram_baseline", "train_seconds", "file_mb", "label_agreement")
    print(json.dumps({k: card[k] for k in shown if k in card}))


if __name__ == "__main__":
    main()
