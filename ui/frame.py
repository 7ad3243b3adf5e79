"""The frame around every page: the sidebar's model picker and presenter mode, and presenter-sized type."""

from __future__ import annotations

import streamlit as st

from rnn_core.lesson import DEFAULT_MODEL
from rnn_core.model.files import models_dir

from .figures import image_format_control
from .handout_button import handout_button
from .links import read_link, reset_button
from .models import model_card_line, model_catalogue, selected_model, session_models

PRESENTER_CSS = (
    "<style>.stMainBlockContainer p, .stMainBlockContainer li, .stMarkdown {font-size: 1.3rem;}"
    " .stMainBlockContainer h1 {font-size: 3rem;} textarea {font-size: 1.4rem !important;}"
    " .stMainBlockContainer .katex {font-size: 1.5rem;} .stMainBlockContainer [data-testid=stText] {font-size: 1.2rem;}"
    " .stMainBlockContainer [data-testid=stTable] {font-size: 1.25rem;}"
    # a slider's value and ends stay small: at 1.3rem the value sat on the slider's knob and the right end was cut
    " .stMainBlockContainer [data-testid=stSliderThumbValue] p,"
    " .stMainBlockContainer [data-testid=stSliderTickBar] p {font-size: 1rem;}</style>"
)


# Which pages follow the picker: the others compare or explain fixed models, which they name at their top.
PICKER_HELP = (
    "Word by word follows this model. Why sequences?, Inside one step, Vanishing gradients and Sigmoid vs softmax "
    "always use the fixed models they name at their top."
)


def sidebar() -> bool:
    """Draw the shared sidebar; False (after an error message) when no model can be loaded at all."""
    good, broken = model_catalogue()
    with st.sidebar:
        st.markdown("### RNN Lens")
        names = list(good) + list(session_models())  # this tab's own trained models come last
        read_link(names)
        if names:
            st.selectbox(  # options are names: the URL holds ?model=gru-sst2, so a link can name a model
                "Model",
                names,
                index=names.index(DEFAULT_MODEL) if DEFAULT_MODEL in names else 0,
                key="model",
                bind="query-params",
                persist_state="session",
                help=f"{PICKER_HELP} The line below names the model's cell, output head and test accuracy.",
            )
            st.caption(model_card_line(selected_model()))
            st.caption(PICKER_HELP)
        st.toggle(
            "Presenter mode",
            key="presenter",
            bind="query-params",
            persist_state="session",
            help="Larger type and fewer controls, for a projector.",
        )
        reset_button(names)
        image_format_control()
        if names:
            handout_button(selected_model())
        for name, why in broken.items():
            st.warning(f"Model {name} is not offered: {why}", icon="⚠️")
    if not good:
        st.error(
            f"No trained model could be loaded from {models_dir()}. Reinstall the app or retrain with `python -m rnn_core.train`."
        )
        return False
    if st.session_state.get("presenter"):
        st.set_page_config(initial_sidebar_state="collapsed")  # once, as presenter mode starts: the » button reopens it
        st.html(PRESENTER_CSS)
    return True
