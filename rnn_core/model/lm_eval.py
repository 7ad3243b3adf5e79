"""Perplexity of the language models and of the n-gram baseline, and what the conditional model writes.

    python -m rnn_core.evaluate --model lm-lstm [--data-dir DIR] [--split test] [--update-card]

Perplexity is exp of the mean negative log-probability per predicted token: every word of every sentence and
each sentence's end (<eos>); <unk> counts as a word, for the recurrent models and the n-gram model alike.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import torch

from ..text.batches import length_batches
from ..text.data import find_data_dir
from ..text.sentences import read_sentences
from ..text.treebank import BINARY, Phrase
from ..text.vocab import Vocab
from .checkpoint import load_vocab
from .cli import evaluation_parser
from .evaluate import update_card
from .language import LABELS, LanguageRNN, is_language_model, load_language_model, resolve_lm_path, save_language_model
from .lm_mood import calibrate_strength, label_agreement, label_pathways
from .ngram import KneserNey, ngram_perplexity

NGRAM_ORDER = 4  # dev perplexity of orders 2..5: 165, 151, 149.6, 149.5; 4 is as good as 5 at half the counting


def encode(sentences: list[Phrase], vocab: Vocab) -> list[list[int]]:
    return [vocab.encode(s.tokens) for s in sentences]


def binary_labels(sentences: list[Phrase]) -> tuple[list[Phrase], list[int]]:
    """The sentences a reader calls negative or positive (neutral dropped), with their label's index in LABELS."""
    kept = [s for s in sentences if s.label in BINARY]
    return kept, [BINARY[s.label] for s in kept]


@torch.no_grad()
def nll_sum(
    model: LanguageRNN, ids: list[list[int]], labels: list[int] | None = None, batch_size: int = 256
) -> tuple[float, int]:
    """Summed negative log-probability (natural log) of every word and sentence end, and the number of tokens."""
    total, count = 0.0, 0
    for batch in length_batches(ids, batch_size):
        words = torch.tensor([ids[i] for i in batch])  # (B, T)
        eos = torch.full((len(batch), 1), model.eos_id)  # (B, 1)
        inputs, targets = torch.cat([eos, words], dim=1), torch.cat([words, eos], dim=1)  # (B, T + 1) each
        lab = torch.tensor([labels[i] for i in batch]) if labels is not None else None
        logits = model(inputs, lab)  # (B, T + 1, V)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum")  # (B*(T+1), V)
        total, count = total + float(loss), count + targets.numel()
    return total, count


def lm_perplexity(model: LanguageRNN, ids: list[list[int]], labels: list[int] | None = None) -> float:
    total, count = nll_sum(model, ids, labels)
    return math.exp(total / count)


def split_perplexities(model: LanguageRNN, sentences: list[Phrase]) -> dict:
    """Perplexity on a split; a conditional model reads the negative and positive sentences, each from its label."""
    if not model.config.labels:
        return {"perplexity": round(lm_perplexity(model, encode(sentences, model.vocab)), 3), "sentences": len(sentences)}
    kept, labels = binary_labels(sentences)
    ids = encode(kept, model.vocab)
    out = {"perplexity": round(lm_perplexity(model, ids, labels), 3), "sentences": len(kept)}
    for k, name in enumerate(LABELS):
        chosen = [i for i, y in enumerate(labels) if y == k]
        out[f"perplexity_{name}"] = round(lm_perplexity(model, [ids[i] for i in chosen], [k] * len(chosen)), 3)
    return out


def fit_ngram(train: list[Phrase], vocab: Vocab, order: int = NGRAM_ORDER) -> KneserNey:
    """The baseline on the training sentences, over the language models' dictionary (never predicting <pad>)."""
    eos = len(vocab) - 1
    return KneserNey(order, len(vocab), bos=eos, eos=eos, excluded=(0,)).fit(encode(train, vocab))


def ngram_fields(ngram: KneserNey, sentences: list[Phrase], vocab: Vocab, conditional: bool) -> dict:
    """The baseline's perplexity on the sentences the language model is measured on (the labelled ones if conditional)."""
    kept = binary_labels(sentences)[0] if conditional else sentences
    return {"perplexity": round(ngram_perplexity(ngram, encode(kept, vocab)), 3), "sentences": len(kept)}


_BASELINES: dict[tuple[str, int], KneserNey] = {}  # per data folder and dictionary size: one fit per process


def _baseline(folder: Path, vocab: Vocab) -> KneserNey:
    """The n-gram baseline for this data folder, fitted on its first use in the process (about 5 s)."""
    key = (str(Path(folder).resolve()), len(vocab))
    if key not in _BASELINES:
        _BASELINES[key] = fit_ngram(read_sentences(folder, "train"), vocab)
    return _BASELINES[key]


def evaluation(model: LanguageRNN, data_dir: str | Path | None, split: str, ngram: KneserNey | None = None) -> dict:
    """The model's and the n-gram baseline's perplexity on one split (the baseline fitted here unless given)."""
    folder = find_data_dir(data_dir)
    sentences = read_sentences(folder, split)
    ngram = ngram or _baseline(folder, model.vocab)
    conditional = bool(model.config.labels)
    return {
        "model": model.name,
        "split": split,
        **split_perplexities(model, sentences),
        "ngram": {"order": ngram.order, **ngram_fields(ngram, sentences, model.vocab, conditional)},
    }


def card_fields(dev: dict, test: dict) -> dict:
    """What the card keeps of the dev and test evaluations (same keys as the evaluate command prints)."""
    fields = {
        f"{split}_{k}": v
        for split, result in (("dev", dev), ("test", test))
        for k, v in result.items()
        if k.startswith("perplexity")
    }
    fields["ngram_baseline"] = {
        "model": f"interpolated modified Kneser-Ney {test['ngram']['order']}-gram, fitted on the same training sentences",
        "order": test["ngram"]["order"],
        "dev_perplexity": dev["ngram"]["perplexity"],
        "test_perplexity": test["ngram"]["perplexity"],
    }
    fields["test_below_ngram"] = round(1 - test["perplexity"] / test["ngram"]["perplexity"], 4)
    return fields


def names_language_model(argv: list[str] | None) -> bool:
    """Whether a command line's --model names a language model (so `python -m rnn_core.evaluate` hands it here)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--model")
    known, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return bool(known.model) and is_language_model(known.model)


def main(argv: list[str] | None = None) -> None:
    parser = evaluation_parser(
        "Perplexity of a language model and of the n-gram baseline on a split.",
        "a name in assets/lm (lm-rnn, lm-lstm, lm-cond) or a path",
        "write dev and test perplexities (and a conditional model's label agreement) into the card",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="a conditional model: set its label's strength on held-out written sentences, save it into the model "
        "file, then (with --update-card) measure the card with it",
    )
    args = parser.parse_args(argv)
    if args.calibrate and not args.update_card:
        parser.error("--calibrate changes the model, so its card must be measured again: add --update-card")
    torch.set_num_threads(args.threads)
    model = load_language_model(args.model, load_vocab())
    if args.calibrate and not model.reads_label_each_step:
        parser.error(f"{args.model} has no label bias to calibrate (only a conditional model that reads its label at every step)")
    folder = find_data_dir(args.data_dir) if args.update_card else args.data_dir
    calibration = {}
    if args.calibrate:
        calibration = strength_for(model, folder)
        save_language_model(model, resolve_lm_path(args.model), model.vocab)
        print(json.dumps({"label_strength": calibration}))
    result = evaluation(model, folder, args.split)
    print(json.dumps(result))
    if args.update_card:
        ngram = fit_ngram(read_sentences(folder, "train"), model.vocab)
        dev, test = (evaluation(model, folder, s, ngram) for s in ("dev", "test"))
        card = resolve_lm_path(args.model).with_suffix(".json")
        fields = card_fields(dev, test) | ({"label_strength": calibration} if calibration else {})
        if model.config.labels:  # a conditional model's card also says how often its sentences read as asked
            fields["label_agreement"] = label_agreement(model)
            if model.reads_label_each_step:  # ... and how much of that each way of reading the label carries
                fields["label_pathways"] = label_pathways(model)
        update_card(card, fields)
        print(f"updated {card}")


def strength_for(model: LanguageRNN, folder: Path) -> dict:
    """calibrate_strength with each tried strength's dev perplexity (the labelled dev sentences of ``folder``)."""
    kept, labels = binary_labels(read_sentences(folder, "dev"))
    ids = encode(kept, model.vocab)
    return calibrate_strength(model, dev_perplexity=lambda m: lm_perplexity(m, ids, labels))
