"""Sentence-level accuracy of a model on a treebank split.

python -m rnn_core.evaluate --model rnn-sst2 [--data-dir DIR] [--split test]
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..text.batches import evaluation_sentences, length_batches
from ..text.data import find_data_dir
from ..text.treebank import CLASS_NAMES, Phrase, read_split, sentences
from .checkpoint import load_model, resolve_model_path
from .cli import evaluation_parser
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


def update_card(card_path: str | Path, fields: dict) -> dict:
    """Rewrite only ``fields``' keys in a model card (JSON), keeping every other key and its order; returns the card."""
    path = Path(card_path)
    card = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    card.update(fields)
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def main(argv: list[str] | None = None) -> None:
    from . import lm_eval  # language models (lm-rnn, lm-lstm, lm-cond in assets/lm): perplexity beside the n-gram's
    from .order_eval import minimal_pairs_score, negation_accuracy, order_card_fields  # it builds on this module

    if lm_eval.names_language_model(argv):
        return lm_eval.main(argv)

    parser = evaluation_parser(
        __doc__.splitlines()[0],
        "a name in assets/models or a path to a .pt file",
        "write the negation and minimal-pair figures into the card",
    )
    args = parser.parse_args(argv)
    if args.update_card and args.split != "test":
        parser.error("--update-card records test-split figures: use --split test")
    torch.set_num_threads(args.threads)
    model = load_model(args.model)
    sentence_list = sentences(read_split(find_data_dir(args.data_dir), args.split))
    result = evaluate_model(model, sentence_list)
    result["negation"] = negation_accuracy(model, sentence_list)
    result["minimal_pairs"] = minimal_pairs_score(model)
    print(json.dumps({"model": model.name, "split": args.split, **result}))
    if args.update_card:
        card_path = resolve_model_path(args.model).with_suffix(".json")
        update_card(card_path, order_card_fields(model, sentence_list))
        print(f"updated {card_path}")


if __name__ == "__main__":
    main()
