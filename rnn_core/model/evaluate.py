"""Sentence-level accuracy of a model on a treebank split.

python -m rnn_core.evaluate --model rnn-sst2 [--data-dir DIR] [--split test]
"""

from __future__ import annotations

import argparse
import json

import torch

from ..text.batches import evaluation_sentences, length_batches
from ..text.data import find_data_dir
from ..text.treebank import CLASS_NAMES, Phrase, read_split, sentences
from .checkpoint import load_model
from .network import SentimentRNN, class_indices


def task_of(model: SentimentRNN) -> str:
    return "binary" if model.config.head == "sigmoid" else "three"


@torch.no_grad()
def predict(model: SentimentRNN, ids: list[list[int]]) -> list[int]:
    """Class of each sequence from the answer after its last word."""
    preds = [0] * len(ids)
    for batch in length_batches(ids, 512):
        probs = model.probs(torch.tensor([ids[i] for i in batch]))[:, -1]  # (B, C)
        labels = class_indices(probs)  # (B,)
        for i, y in zip(batch, labels.tolist()):
            preds[i] = y
    return preds


def metrics(preds: list[int], gold: list[int], class_names: tuple[str, ...]) -> dict:
    """Accuracy, count, and per-class precision and recall."""
    out: dict = {"accuracy": sum(p == g for p, g in zip(preds, gold)) / max(len(gold), 1), "n": len(gold)}
    per_class = {}
    for k, name in enumerate(class_names):
        tp = sum(p == k and g == k for p, g in zip(preds, gold))
        predicted, actual = sum(p == k for p in preds), sum(g == k for g in gold)
        per_class[name] = {"precision": tp / predicted if predicted else 0.0, "recall": tp / actual if actual else 0.0}
    out["per_class"] = per_class
    return out


def evaluate_model(model: SentimentRNN, sentence_list: list[Phrase]) -> dict:
    task = task_of(model)
    ids, gold = evaluation_sentences(sentence_list, model.vocab, task)
    return metrics(predict(model, ids), gold, CLASS_NAMES[task])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a name in assets/models or a path to a .pt file")
    parser.add_argument("--data-dir", default=None, help="treebank folder (else $RNN_LENS_DATA, cache or download)")
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    args = parser.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    model = load_model(args.model)
    result = evaluate_model(model, sentences(read_split(find_data_dir(args.data_dir), args.split)))
    print(json.dumps({"model": model.name, "split": args.split, **result}))


if __name__ == "__main__":
    main()
