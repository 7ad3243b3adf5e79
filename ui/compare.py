"""Word by word's compare view: a second review box (kept in the URL beside the first) and the two reviews' chart.

Switching it on with the untouched default review opens on the lesson's pair, "not good , bad" beside
"good , not bad": the same words, another order.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import Trace
from rnn_core.figures.compare import compare_figure
from rnn_core.lesson import DEFAULT_REVIEW, ORDER_PAIR

from .figures import cached_figure, chart_options, presenter
from .review import MAX_REVIEW_CHARS, open_on

COMPARE = "compare"  # the switch's key, and its name in the URL (?compare=true)
SECOND = "review_b"  # the second review's key, and its name in the URL (?review_b=...)
COMPARE_CHART = "compare_chart"


def _open_on_the_pair() -> None:
    if st.session_state.get(COMPARE) and st.session_state.get("review", DEFAULT_REVIEW) == DEFAULT_REVIEW:
        st.session_state["review"] = ORDER_PAIR[0]


def compare_switch() -> bool:
    """The switch between one review read word by word and two reviews side by side.

    Switched on, or opened on by a link (?compare=true), with the untouched default review: review A is the pair's first.
    """
    on = st.toggle(
        "Compare two reviews",
        key=COMPARE,
        on_change=_open_on_the_pair,
        bind="query-params",
        persist_state="session",
        help="A second review box: both answers after each word on one chart, both hidden states side by side.",
    )
    if on:
        open_on(ORDER_PAIR[0], "compare_opened")
    return on


def second_review_box(height: int = 90) -> str:
    """The review to compare with, kept in the URL too (?review_b=...), so a link opens both."""
    text = st.text_area(
        "Review B",
        value=ORDER_PAIR[1],
        key=SECOND,
        height=height,
        max_chars=MAX_REVIEW_CHARS,
        bind="query-params",
        persist_state="session",
        help="Read by the same model as review A. Press Ctrl+Enter to apply.",
    )
    return text or ""


def compare_chart(a: Trace, b: Trace, text_a: str) -> None:
    """Both reviews' answers after each word on one chart, their hidden states side by side (same model)."""
    fig = cached_figure(
        compare_figure, a.words, a.hidden, a.probs, b.words, b.hidden, b.probs, float(a.start_probs[-1]), presenter=presenter()
    )
    st.plotly_chart(fig, key=COMPARE_CHART, **chart_options("word_by_word", text_a, "compare"))
