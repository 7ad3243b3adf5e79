"""Predict, then reveal (Word by word): the student guesses each word's effect before the network's answer shows.

The answers live in this tab's session only (server memory, like every widget's value): they are never written to
the URL, a file or a log, never shared with another tab, and they are gone when the tab closes.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import Trace
from rnn_core.explain.quiz import DOWN, UP, Marked, Question, mark, questions
from rnn_core.figures.style import class_label

from .messages import as_plain

ANSWERS = "quiz_answers"  # session state: {"for": (model, review), "answers": [...]}
ARROWS = {UP: "▲ up", DOWN: "▼ down"}


def quiz_toggle() -> bool:
    return st.toggle(
        "Quiz: predict, then reveal",
        key="quiz",
        help="Before each word's effect is shown, say whether P(positive) goes up or down; on the last word, the "
        "verdict. Your answers belong to this tab only: never stored, logged or put in the link.",
    )


def _answers(model_name: str, text: str) -> list[str]:
    state = st.session_state.get(ANSWERS)
    if not state or state["for"] != (model_name, text):
        state = st.session_state[ANSWERS] = {"for": (model_name, text), "answers": []}
    return state["answers"]


def _answer(said: str) -> None:
    st.session_state[ANSWERS]["answers"].append(said)


def _restart() -> None:
    st.session_state[ANSWERS]["answers"] = []


def _said(m: Marked) -> str:
    return ARROWS.get(m.said) or class_label(m.said)


def _row(m: Marked) -> dict:
    q = m.question
    network = class_label(q.answer) if q.is_verdict else ARROWS.get(q.answer, "no change")
    return {"word": f"{q.step.index + 1}. {q.step.word}", "you said": _said(m), "network": network,
            "P(positive) before": q.step.before, "after": q.step.after, "change": q.step.change,
            "": "✓" if m.right else "✗"}  # fmt: skip


def run_quiz(tr: Trace, model_name: str, text: str) -> None:
    """The quiz for this review and model: the words revealed so far, the next question, and the score at the end."""
    asked = questions(tr)
    answers = _answers(model_name, text)
    result = mark(asked, answers)
    st.caption(
        f"Before the first word, P(positive) = {asked[0].step.before:.3f} (the network's start state alone). "
        "Your answers belong to this tab only: never stored, logged or put in the link, and gone when you close it."
    )
    if result.marked:
        _reveal(result.marked[-1])
        numbers = {c: st.column_config.NumberColumn(format="%.3f") for c in ("P(positive) before", "after")}
        numbers["change"] = st.column_config.NumberColumn(format="%+.3f")
        st.dataframe([_row(m) for m in result.marked], key="quiz_table", hide_index=True, column_config=numbers, width="stretch")
    if len(answers) < len(asked):
        _ask(asked[len(answers)], len(asked))
        return
    st.subheader(f"Your score: {result.score} of {result.total}")
    far = result.disagreements()
    if far:
        parted = "; ".join(f"“{m.question.step.word}” (you: {_said(m)}, network: {_network(m)})" for m in far)
        st.text(f"Where you and the network parted most: {parted}")
    else:
        st.text("You and the network agreed at every word.")
    st.button("Try again", key="quiz_restart", icon=":material/replay:", on_click=_restart)


def _reveal(m: Marked) -> None:
    """The network's real answer to the question just answered, with the size of the change."""
    q, s = m.question, m.question.step
    verdict = f"; its verdict: {class_label(q.answer)}" if q.is_verdict else ""
    (st.success if m.right else st.error)(
        f"{'Right' if m.right else 'Not this time'}: after “{as_plain(s.word)}” P(positive) went from {s.before:.3f} to "
        f"{s.after:.3f} ({s.change:+.3f}){verdict}. You said {_said(m)}."
    )


def _network(m: Marked) -> str:
    q = m.question
    if q.is_verdict:
        return f"{class_label(q.answer)}, P({q.answer}) = {dict(q.class_probs)[q.answer]:.3f}"
    return f"{q.step.change:+.3f}"


def _ask(q: Question, total: int) -> None:
    st.text(f"Word {q.step.index + 1} of {total}: {q.step.word}")
    if q.is_verdict:
        st.markdown("**The last word. What is the network's verdict on the whole review?**")
    else:
        st.markdown("**Will P(positive) go up or down after this word?**")
    columns = st.columns(len(q.options))
    for column, option in zip(columns, q.options):
        label = class_label(option) if q.is_verdict else ARROWS[option]
        column.button(label, key=f"quiz_{option}", on_click=_answer, args=(option,), width="stretch")
