"""Order-sensitive evaluation: the minimal-pair file, the pair score and the negation subset, recomputed here."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import torch

from rnn_core import load_vocab, tokenize
from rnn_core.model.checkpoint import MODELS_DIR, load_model
from rnn_core.model.evaluate import evaluate_model, update_card
from rnn_core.model.network import class_indices
from rnn_core.model.order_eval import (
    NEGATION_WORDS,
    PAIRS_PATH,
    MinimalPair,
    PairFileError,
    load_pairs,
    minimal_pairs_score,
    negation_accuracy,
    negation_subset,
    order_card_fields,
    pair_results,
)
from rnn_core.text.treebank import Phrase, read_split, sentences

from .conftest import make_model

CATEGORIES = {"negation", "not_bad", "contrast", "order", "double_negation"}
SHIPPED = ["rnn-sst2", "lstm-sst2", "gru-sst2", "rnn-sst3", "rnn-sst3-sigmoid3", "tiny-sst2"]
TINY_PAIRS = [
    MinimalPair("negation", "the movie 's good .", "positive", "the movie 's not good .", "negative"),
    MinimalPair("negation", "it 's great", "positive", "it 's not great", "negative"),
    MinimalPair("not_bad", "not bad", "positive", "not good", "negative"),
    MinimalPair("order", "good , not bad", "positive", "bad , not good", "negative"),
    MinimalPair("order", "boring movie", "negative", "great movie", "positive"),
]


# --- the pair file -------------------------------------------------------------------------------------------


def test_pair_file_loads_with_enough_pairs_in_every_category():
    pairs = load_pairs()
    assert len(pairs) >= 80
    assert {p.category for p in pairs} == CATEGORIES
    assert all({p.label_a, p.label_b} == {"negative", "positive"} for p in pairs)


def test_every_pair_token_is_in_the_shipped_dictionary():
    vocab = load_vocab()
    missing = {(t, w) for p in load_pairs() for t in (p.text_a, p.text_b) for w in tokenize(t) if w not in vocab}
    assert not missing, sorted(missing)


def test_no_pair_text_appears_twice():
    texts = [" ".join(tokenize(t)) for p in load_pairs() for t in (p.text_a, p.text_b)]
    assert len(texts) == len(set(texts)), sorted(t for t in set(texts) if texts.count(t) > 1)


def edit_distance(a: list[str], b: list[str]) -> int:
    """Fewest words inserted, deleted or replaced to turn a into b."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def test_pair_halves_hold_the_same_words_reordered_or_differ_in_a_few():
    for p in load_pairs():
        a, b = tokenize(p.text_a), tokenize(p.text_b)
        assert Counter(a) == Counter(b) or edit_distance(a, b) <= 4, p
        if p.category == "contrast":
            assert Counter(a) == Counter(b) and " but " in p.text_a and " but " in p.text_b, p


def test_edit_distance():
    assert edit_distance("the film is good".split(), "the film is not good".split()) == 1
    assert edit_distance("a b c".split(), "c b a".split()) == 2 and edit_distance([], ["x"]) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("category\ttext_a\n", "header"),
        ("category\ttext_a\tlabel_a\ttext_b\tlabel_b\nnegation\tgood\tpositive\tnot good\tpositive\n", ":2: the two labels"),
        ("category\ttext_a\tlabel_a\ttext_b\tlabel_b\nnegation\tgood\tpositive\tnot good\n", ":2: expected 5"),
        ("category\ttext_a\tlabel_a\ttext_b\tlabel_b\nnegation\tgood\tpositive\t \tnegative\n", ":2: expected 5"),
    ],
)
def test_malformed_pair_files_are_refused_by_line(tmp_path, text, message):
    path = tmp_path / "pairs.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PairFileError, match=message):
        load_pairs(path)


# --- scoring, recomputed directly ----------------------------------------------------------------------------


def direct_class(model, text: str) -> str:
    """The class of the answer after the last word, one text at a time through the step-by-step forward pass."""
    ids = torch.tensor([model.vocab.encode(tokenize(text))])  # (1, T)
    k = int(class_indices(model.probs(ids)[0, -1]))
    return (("negative", "positive") if model.config.head == "sigmoid" else ("negative", "neutral", "positive"))[k]


@pytest.mark.parametrize("cell, head", [("rnn", "sigmoid"), ("gru", "softmax"), ("lstm", "sigmoid3")])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_score_equals_a_direct_recomputation(tiny_vocab, cell, head, seed):
    model = make_model(cell, head, tiny_vocab, seed=seed)
    answers = [(direct_class(model, p.text_a), direct_class(model, p.text_b)) for p in TINY_PAIRS]
    right = [(a == p.label_a, b == p.label_b) for p, (a, b) in zip(TINY_PAIRS, answers)]
    score = minimal_pairs_score(model, TINY_PAIRS)
    assert [(r.answer_a, r.answer_b) for r in pair_results(model, TINY_PAIRS)] == answers
    assert score["n_pairs"] == len(TINY_PAIRS)
    assert score["both_right"] == pytest.approx(sum(a and b for a, b in right) / len(TINY_PAIRS))
    assert score["sentence_accuracy"] == pytest.approx(sum(a + b for a, b in right) / (2 * len(TINY_PAIRS)))
    for cat in {p.category for p in TINY_PAIRS}:
        mine = [a and b for p, (a, b) in zip(TINY_PAIRS, right) if p.category == cat]
        assert score["per_category"][cat] == {"both_right": pytest.approx(sum(mine) / len(mine)), "n_pairs": len(mine)}


def test_a_model_that_always_answers_positive_gets_no_pair_and_half_the_sentences(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    with torch.no_grad():
        model.W_hy.zero_()
        model.b_y.fill_(0.0)  # P(positive) = 0.5 exactly: positive by the rule (>= 0.5)
    score = minimal_pairs_score(model, TINY_PAIRS)
    assert score["both_right"] == 0.0 and score["sentence_accuracy"] == 0.5


def test_a_neutral_answer_counts_as_wrong(tiny_vocab):
    model = make_model("gru", "softmax", tiny_vocab)
    with torch.no_grad():
        model.W_hy.zero_()
        model.b_y.copy_(torch.tensor([0.0, 5.0, 0.0]))  # always neutral
    score = minimal_pairs_score(model, TINY_PAIRS)
    assert score["both_right"] == 0.0 and score["sentence_accuracy"] == 0.0


# --- the negation subset -------------------------------------------------------------------------------------


def test_negation_filter_on_hand_made_sentences():
    phrases = [
        Phrase(("it", "'s", "not", "good"), 1),
        Phrase(("it", "does", "n't", "work"), 0),
        Phrase(("nothing", "works"), 0),
        Phrase(("a", "notable", "film"), 3),  # "not" inside a word is no negation
        Phrase(("knot", "nobody's"), 2),
        Phrase(("good", "without", "flaws"), 4),
        Phrase(("never", "dull"), 3),
        Phrase(("great",), 4),
    ]
    kept = negation_subset(phrases)
    assert [p.tokens[0] for p in kept] == ["it", "it", "nothing", "good", "never"]
    assert {"not", "n't", "no", "never", "without", "hardly"} <= NEGATION_WORDS


def test_negation_accuracy_scores_only_negated_sentences_in_the_models_view(tiny_vocab):
    phrases = [
        Phrase(("the", "movie", "'s", "not", "good"), 1),
        Phrase(("not", "bad"), 3),
        Phrase(("not", "boring", "."), 2),  # neutral: dropped by the binary view, kept by three classes
        Phrase(("good", "movie"), 4),  # no negation
    ]
    for cell, head, n in [("rnn", "sigmoid", 2), ("gru", "softmax", 3)]:
        model = make_model(cell, head, tiny_vocab)
        result = negation_accuracy(model, phrases)
        assert result["n"] == n
        assert result["accuracy"] == evaluate_model(model, phrases[:3])["accuracy"]


# --- the model cards -----------------------------------------------------------------------------------------


def test_update_card_rewrites_only_its_keys(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"name": "m", "test_accuracy": 0.8, "minimal_pairs_n": 3}), encoding="utf-8")
    update_card(path, {"minimal_pairs_n": 101, "test_negation_n": 7})
    assert json.loads(path.read_text()) == {"name": "m", "test_accuracy": 0.8, "minimal_pairs_n": 101, "test_negation_n": 7}
    assert list(json.loads(path.read_text())) == ["name", "test_accuracy", "minimal_pairs_n", "test_negation_n"]


@pytest.mark.data
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_card_order_figures_are_what_the_evaluation_recomputes(name, data_dir):
    card = json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    model = load_model(name)
    now = order_card_fields(model, sentences(read_split(data_dir, "test")))
    assert card["test_negation_n"] == now["test_negation_n"] and card["minimal_pairs_n"] == now["minimal_pairs_n"]
    assert card["minimal_pairs_n"] == len(load_pairs())
    for key in ("test_negation_accuracy", "minimal_pairs_both_right", "minimal_pairs_sentence_accuracy"):
        assert card[key] == pytest.approx(now[key], abs=1e-4), key
    assert card["minimal_pairs_per_category"].keys() == now["minimal_pairs_per_category"].keys() == CATEGORIES
    for cat, value in now["minimal_pairs_per_category"].items():
        assert card["minimal_pairs_per_category"][cat] == pytest.approx(value, abs=1e-4), cat


def test_the_pairs_file_sits_beside_the_module():
    assert PAIRS_PATH.name == "minimal_pairs.tsv" and PAIRS_PATH.is_file()
