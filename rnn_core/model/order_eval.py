"""Does the model read word order? Accuracy on negated test sentences, and on minimal pairs.

A minimal pair is two reviews with nearly the same words and opposite labels ("the film is good ." /
"the film is not good ."). They live in minimal_pairs.tsv beside this file: written by hand as a test set,
never used to select or tune training. A pair counts as right when both halves get their class by the
one rule of network.class_indices; for three-class models a neutral answer counts as wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..text.tokenizer import tokenize
from ..text.treebank import CLASS_NAMES, Phrase
from .evaluate import evaluate_model, predict, task_of
from .network import SentimentRNN

PAIRS_PATH = Path(__file__).resolve().with_name("minimal_pairs.tsv")
PAIR_COLUMNS = ("category", "text_a", "label_a", "text_b", "label_b")
PAIR_LABELS = ("negative", "positive")

# Treebank tokens that negate what follows. The treebank splits "don't" into "do n't", so the clitic "n't" stands
# for every such contraction; "cannot" is kept although the treebank mostly writes "can not". "Without" and the
# "hardly" family negate too; words like "fail" or "lack" are left out: they carry meaning beyond negation.
NEGATION_WORDS = frozenset(
    {
        "not",
        "n't",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "nowhere",
        "hardly",
        "barely",
        "scarcely",
        "without",
        "cannot",
    }
)


class PairFileError(ValueError):
    """The minimal-pairs file is malformed; the message names the line."""


@dataclass(frozen=True)
class MinimalPair:
    """Two reviews with nearly the same words and opposite labels."""

    category: str
    text_a: str
    label_a: str
    text_b: str
    label_b: str


@dataclass(frozen=True)
class PairResult:
    """The class the model gave each half of a pair ("negative", "neutral" or "positive")."""

    pair: MinimalPair
    answer_a: str
    answer_b: str

    @property
    def both_right(self) -> bool:
        return self.answer_a == self.pair.label_a and self.answer_b == self.pair.label_b


def load_pairs(path: str | Path = PAIRS_PATH) -> list[MinimalPair]:
    """The minimal pairs of a tab-separated file with the header category, text_a, label_a, text_b, label_b."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or tuple(rows[0]) != PAIR_COLUMNS:
        raise PairFileError(f"{path}: the first line must be the header {' '.join(PAIR_COLUMNS)}")
    pairs = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(PAIR_COLUMNS) or not all(cell.strip() for cell in row):
            raise PairFileError(f"{path}:{line}: expected {len(PAIR_COLUMNS)} non-empty tab-separated columns")
        pair = MinimalPair(*(cell.strip() for cell in row))
        if {pair.label_a, pair.label_b} != set(PAIR_LABELS):
            raise PairFileError(f"{path}:{line}: the two labels must be 'negative' and 'positive', one each")
        pairs.append(pair)
    return pairs


def has_negation(tokens: Iterable[str]) -> bool:
    return any(t in NEGATION_WORDS for t in tokens)


def negation_subset(sentence_list: list[Phrase]) -> list[Phrase]:
    """The sentences holding at least one negation word (NEGATION_WORDS)."""
    return [s for s in sentence_list if has_negation(s.tokens)]


def negation_accuracy(model: SentimentRNN, sentence_list: list[Phrase]) -> dict:
    """Accuracy on the negated sentences in the model's view (binary drops neutral ones) and how many were scored."""
    result = evaluate_model(model, negation_subset(sentence_list))
    return {"accuracy": result["accuracy"], "n": result["n"]}


def answer_classes(model: SentimentRNN, texts: list[str]) -> list[str]:
    """The class name of the model's last answer for each text (tokenised as the treebank is)."""
    names = CLASS_NAMES[task_of(model)]
    ids = [model.vocab.encode(tokenize(text)) for text in texts]
    if any(not seq for seq in ids):
        raise ValueError("every text needs at least one token")
    return [names[k] for k in predict(model, ids)]


def pair_results(model: SentimentRNN, pairs: list[MinimalPair]) -> list[PairResult]:
    answers = answer_classes(model, [p.text_a for p in pairs] + [p.text_b for p in pairs])
    return [PairResult(p, a, b) for p, a, b in zip(pairs, answers[: len(pairs)], answers[len(pairs) :])]


def score_pairs(results: list[PairResult]) -> dict:
    """Share of pairs with both halves right (overall and per category) and accuracy on the 2N single sentences."""
    per_category: dict[str, dict] = {}
    for r in results:
        cat = per_category.setdefault(r.pair.category, {"both_right": 0, "n_pairs": 0})
        cat["both_right"] += r.both_right
        cat["n_pairs"] += 1
    for cat in per_category.values():
        cat["both_right"] /= cat["n_pairs"]
    right = sum((r.answer_a == r.pair.label_a) + (r.answer_b == r.pair.label_b) for r in results)
    n = len(results)
    return {
        "both_right": sum(r.both_right for r in results) / max(n, 1),
        "n_pairs": n,
        "sentence_accuracy": right / max(2 * n, 1),
        "per_category": per_category,
    }


def minimal_pairs_score(model: SentimentRNN, pairs: list[MinimalPair] | None = None) -> dict:
    """score_pairs of the model on the pairs (default: the shipped minimal_pairs.tsv)."""
    return score_pairs(pair_results(model, load_pairs() if pairs is None else pairs))


def order_card_fields(model: SentimentRNN, test_sentences: list[Phrase]) -> dict:
    """The model card's order-sensitive figures, from the test split's sentences and the shipped pairs."""
    negation, pairs = negation_accuracy(model, test_sentences), minimal_pairs_score(model)
    return {
        "test_negation_accuracy": round(negation["accuracy"], 4),
        "test_negation_n": negation["n"],
        "minimal_pairs_both_right": round(pairs["both_right"], 4),
        "minimal_pairs_n": pairs["n_pairs"],
        "minimal_pairs_sentence_accuracy": round(pairs["sentence_accuracy"], 4),
        "minimal_pairs_per_category": {k: round(v["both_right"], 4) for k, v in sorted(pairs["per_category"].items())},
    }
