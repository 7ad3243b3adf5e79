"""The sidebar's handout button. Light: it checks the review's words and hands Streamlit a function that builds the
file on the click (ui/handout.py, imported then), so the button costs no page any model or torch."""

from __future__ import annotations

from functools import partial

import streamlit as st

from rnn_core.explain.export import file_stem
from rnn_core.lesson import DEFAULT_REVIEW
from rnn_core.model.files import ModelFileError, load_vocab, models_dir
from rnn_core.text.encode import TextError, encode_text

from .models import app_threads, get_light_model, session_models


def current_review() -> str:
    """The shared review as it stands in this run (the box's value, else the link's, else the default)."""
    return st.session_state.get("review", st.query_params.get("review", DEFAULT_REVIEW))


def handout_button(model_name: str) -> None:
    """The sidebar's handout download: disabled, with the reason, when the review cannot be read."""
    text = current_review()
    why = ""
    try:
        encode_text(text, load_vocab())
    except TextError as err:
        why = f" Not available for this review: {err}"
    own = session_models().get(model_name)
    if own is None and not why:
        try:  # read with NumPy (no torch): a file the page could not use is not offered as a handout either
            get_light_model(model_name)
        except ModelFileError as err:
            why = f" Not available for this model: {err}"
    st.download_button(
        "Handout (HTML)",
        data=partial(_build, text, model_name, own, str(models_dir())) if not why else "",
        file_name=f"{file_stem('handout', text)}.html",
        mime="text/html",
        key="handout",
        icon=":material/description:",
        on_click="ignore",
        disabled=bool(why),
        help="One file for this review and model: every page's main charts (they work offline), the equations with "
        "their numbers, the verdict and the model's card. Built when you click: a few seconds." + why,
    )


def _build(text: str, model_name: str, own, folder: str) -> str:
    from .handout import build_handout  # every figure and torch: imported on the first click only

    app_threads()
    return build_handout(text, model_name, own, folder)
