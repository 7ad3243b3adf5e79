"""The what-if sliders of Sigmoid vs softmax: three output sums kept in session state."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from rnn_core.explain.output_heads import WHATIF_RANGE, clipped, whatif_preset
from rnn_core.figures.style import class_label

WHATIF_KEYS = ("whatif_neg", "whatif_neu", "whatif_pos")


def set_sums(sums: Sequence[float], decimals: int | None = 2) -> None:
    for key, value in zip(WHATIF_KEYS, clipped(sums, decimals)):
        st.session_state[key] = value


def preset(name: str) -> None:
    set_sums(whatif_preset(name, [st.session_state.get(k, 0.0) for k in WHATIF_KEYS]))


def whatif_sliders(text_sums: Sequence[float] | None, show_buttons: bool) -> list[float]:
    """Preset buttons (one much larger, all equal, shift, this text's sums) and the three sliders; returns the sums.

    On a first visit the sliders start at the text's own exact sums, so the what-if repeats the page's numbers.
    """
    if "whatif_neg" not in st.session_state:
        set_sums(text_sums if text_sums is not None else (1.0, 0.0, -1.0), decimals=None)
    if show_buttons:
        cols = st.columns(4)
        cols[0].button("One much larger", key="whatif_one_larger", on_click=preset, args=("one_larger",))
        cols[1].button("All equal", key="whatif_equal", on_click=preset, args=("equal",))
        cols[2].button("Shift all by +1", key="whatif_shift", on_click=preset, args=("shift",))
        if text_sums is not None:
            cols[3].button("This text's sums", key="whatif_text", on_click=set_sums, args=(list(text_sums), None))
    lo, hi = WHATIF_RANGE
    sliders = st.columns(3)
    return [
        col.slider(f"z for {class_label(c)}", lo, hi, step=0.01, format="%.3f", key=key)  # 3 decimals, as the formulas
        for col, key, c in zip(sliders, WHATIF_KEYS, ("negative", "neutral", "positive"))
    ]
