"""Predict, then reveal: the marking rules on tiny models, and a whole quiz on Word by word through AppTest."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import load_model, trace
from rnn_core.explain.quiz import DOWN, UP, mark, questions
from rnn_core.lesson import DEFAULT_MODEL, DEFAULT_REVIEW

from .conftest import make_model, open_app


def network_directions(tr) -> list[str]:
    """Up or down after each word, straight from the trace: P(positive) (last column) against the one before."""
    p = np.concatenate([[tr.start_probs[-1]], tr.probs[:, -1]])
    return [UP if d > 0 else DOWN for d in np.diff(p)]


@pytest.mark.parametrize("head", ["sigmoid", "softmax", "sigmoid3"])
def test_questions_follow_the_trace(tiny_vocab, head):
    tr = trace(make_model("gru", head, tiny_vocab), "not good , the movie")
    asked = questions(tr)
    assert len(asked) == tr.seq_len
    assert [q.answer for q in asked[:-1]] == network_directions(tr)[:-1]
    assert [q.step.word for q in asked] == tr.words
    assert asked[0].step.before == pytest.approx(float(tr.start_probs[-1]))
    assert [q.step.after for q in asked] == pytest.approx(tr.probs[:, -1].tolist())
    last = asked[-1]
    assert last.is_verdict and last.answer == tr.final_class
    assert last.options == (("negative", "positive") if head == "sigmoid" else tr.classes)
    assert sum(p for _, p in last.class_probs) == pytest.approx(1.0 if head != "sigmoid3" else float(tr.probs[-1].sum()))


def test_marking_the_score_and_the_biggest_disagreements(tiny_vocab):
    tr = trace(make_model("rnn", "sigmoid", tiny_vocab, seed=3), "good movie , not bad . the great")
    asked = questions(tr)
    net = [q.answer for q in asked]
    flip = {UP: DOWN, DOWN: UP}
    wrong_at = [1, 2, 4]
    answers = [flip[a] if t in wrong_at else a for t, a in enumerate(net[:-1])]
    verdict = "negative" if tr.final_class == "positive" else "positive"  # the verdict wrong too
    result = mark(asked, [*answers, verdict])
    assert (result.score, result.total) == (len(asked) - len(wrong_at) - 1, len(asked))
    sizes = {t: abs(asked[t].step.change) for t in wrong_at}
    p = float(tr.probs[-1, 0])
    sizes[len(asked) - 1] = abs(2 * p - 1)  # P(network's class) - P(the student's) for one sigmoid
    expected = sorted(sizes, key=lambda t: -sizes[t])[:3]
    assert [m.question.step.index for m in result.disagreements()] == expected
    assert [m.size for m in result.disagreements()] == pytest.approx([sizes[t] for t in expected])
    partial = mark(asked, answers[:2])  # while the quiz runs: only what was answered
    assert partial.total == 2 and partial.score == 1


def test_a_one_word_review_asks_only_the_verdict(tiny_vocab):
    tr = trace(make_model("lstm", "softmax", tiny_vocab), "good")
    (only,) = questions(tr)
    assert only.is_verdict and mark([only], [tr.final_class]).score == 1


def test_a_quiz_on_word_by_word_scores_the_chosen_answers():
    """The default review, three words: right on the first, wrong on the second, the verdict right: 2 of 3."""
    tr = trace(load_model(DEFAULT_MODEL), DEFAULT_REVIEW)
    directions = network_directions(tr)
    assert tr.seq_len == 3
    flip = {UP: DOWN, DOWN: UP}
    at = open_app("pages/word_by_word.py")
    at.toggle(key="quiz").set_value(True).run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart"), "the quiz shows no chart: it would give the answers away"
    assert not any("Verdict" in h.proto.body for h in at.get("html"))
    for said in (directions[0], flip[directions[1]]):
        at.button(key=f"quiz_{said}").click().run()
        assert not at.exception, at.exception
    at.button(key=f"quiz_{tr.final_class}").click().run()
    assert [s.value for s in at.subheader] == ["Your score: 2 of 3"]
    parted = " ".join(t.value for t in at.text)
    second = tr.words[1]
    assert f"“{second}” (you: " in parted and f"{tr.probs[1, 0] - tr.probs[0, 0]:+.3f}" in parted
    table = at.dataframe[0].value
    assert list(table["word"]) == [f"{t + 1}. {w}" for t, w in enumerate(tr.words)]
    assert list(table[""]) == ["✓", "✗", "✓"]
    assert table["after"].tolist() == pytest.approx(tr.probs[:, 0].tolist())
    at.button(key="quiz_restart").click().run()
    assert not at.dataframe and not at.subheader
    at.toggle(key="quiz").set_value(False).run()
    assert at.get("plotly_chart"), "the page is back once the quiz is off"
