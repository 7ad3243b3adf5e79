"""Word by word's glue: the example picker, the review's two charts under their player, and the step table.

Figures are built once per review for every session (ui.figures.cached_figure); the player (ui.player) owns the
page's one position, the current word.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from rnn_core import Trace
from rnn_core.figures.sequence import ANSWER_STATE_HEIGHT, NETWORK_HEIGHT, answer_state_figure, word_by_word_figure
from rnn_core.lesson import EXAMPLE_REVIEWS

from .figures import cached_figure, chart_options, presenter
from .player import word_player

NETWORK_CHART = "word_by_word_chart"  # the unrolled network and x_t, one frame per word
ANSWER_CHART = "word_by_word_answers"  # the answer after each word over the hidden state
BOXES = {NETWORK_CHART: "wbw_network", ANSWER_CHART: "wbw_answers"}  # keyed containers: the player finds the charts
MIN_SCALE = 0.6  # a short window shrinks the charts this far at most (below, their type would crowd the panels)


def _use_example() -> None:
    choice = st.session_state.get("example")
    if choice in EXAMPLE_REVIEWS:
        st.session_state["review"] = EXAMPLE_REVIEWS[choice]


def example_picker() -> None:
    """A picker of the lesson's example reviews; picking one puts it in the review box (presenter mode too)."""
    st.selectbox(
        "Try an example",
        list(EXAMPLE_REVIEWS),
        index=None,
        placeholder="Pick a review written to show something...",
        key="example",
        on_change=_use_example,
    )


def review_key(model_name: str, text: str) -> str:
    """A short name for (model, review): the player and the charts it drives agree on it."""
    return hashlib.sha256(f"{model_name}\0{text}".encode()).hexdigest()[:16]


def word_by_word_charts(tr: Trace, model_name: str, text: str) -> int:
    """The player over the review's two charts (network and x_t; answers over hidden states); the current word.

    Both figures open on the last word and are built once per review, model and mode for every session. On a window
    too short for them (the player measures it) they are drawn shorter, in proportion.
    """
    big = presenter()
    review = review_key(model_name, text)
    player = word_player(review, tr.words, big, tuple(BOXES.values()))
    meta = {"review": review}
    network = cached_figure(
        word_by_word_figure, tr.words, tr.ids, tr.hidden, tr.probs, float(tr.start_probs[-1]), presenter=big, meta=meta
    )
    answers = cached_figure(answer_state_figure, tr.words, tr.hidden, tr.probs, tr.classes, presenter=big, meta=meta)
    heights = chart_heights(big, player.room)
    for key, fig, name, height in (
        (NETWORK_CHART, network, "network", heights[0]),
        (ANSWER_CHART, answers, "answers", heights[1]),
    ):
        with st.container(key=BOXES[key]):
            st.plotly_chart(fig, key=key, height=height, **chart_options("word_by_word", text, name))
    return player.step


def chart_heights(presenter: bool, room: int | None) -> tuple[int, int]:
    """The two charts' heights (px): as designed, or shrunk in proportion to fit ``room`` (never below MIN_SCALE)."""
    designed = (NETWORK_HEIGHT[presenter], ANSWER_STATE_HEIGHT[presenter])
    scale = max(MIN_SCALE, min(1.0, room / sum(designed))) if room else 1.0
    return int(designed[0] * scale), int(designed[1] * scale)


SIGNED = "%+.4f"  # every number of the step table: signed, 4 decimals


def step_table(rows: pd.DataFrame) -> None:
    """The step's numbers: a table that presenter mode draws as large text (the data grid keeps its small type).

    The grid formats its numbers in the browser (column_config): a pandas Styler would be rendered on the server at
    every run, a fifth of a Word-by-word run for eight rows."""
    if presenter():
        st.table(rows.style.format("{:+.4f}"))
    else:
        numbers = {name: st.column_config.NumberColumn(format=SIGNED) for name in rows.columns}
        st.dataframe(rows, width="stretch", column_config=numbers)
