"""Cached gradient results for the Vanishing-gradients page, keyed by model name and text (or first word).

The Streamlit boundary: rnn_core computes, this module caches.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnn_core.explain.gradients import (
    MATRIX_WINDOW,
    DecayCurves,
    FirstWordExperiment,
    ReviewGradients,
    StepNumbers,
    decay_curves,
    first_word_experiment,
    review_gradients,
    review_influence,
    step_numbers,
)
from rnn_core.lesson import CELL_MODELS
from rnn_core.model.cards import CELL_NAMES

from .models import get_model, model_problem


def cell_models() -> tuple[dict[str, str], list[str]]:
    """The compared models that load, {"RNN": name, ...}, and the names of those that do not."""
    ready, missing = {}, []
    for cell, name in CELL_MODELS.items():
        if model_problem(name, cell=cell):
            missing.append(name)
        else:
            ready[CELL_NAMES[cell]] = name
    return ready, missing


@st.cache_data(max_entries=512, show_spinner=False)
def get_influence(model_name: str, text: str) -> np.ndarray:
    """Influence of every word of ``text`` on the final answer of a model, (T,)."""
    return review_influence(get_model(model_name), text)


@st.cache_data(max_entries=128, show_spinner="Following the gradient back through every word...")
def get_review_gradients(model_name: str, text: str) -> ReviewGradients:
    """Everything for one text; the state matrix covers its last MATRIX_WINDOW words."""
    return review_gradients(get_model(model_name), text, window=MATRIX_WINDOW)


@st.cache_data(max_entries=16, show_spinner="Reading random reviews...")
def get_decay(model_name: str) -> DecayCurves:
    return decay_curves(get_model(model_name))


@st.cache_data(max_entries=512, show_spinner=False)
def get_experiment(model_name: str, first_id: int) -> FirstWordExperiment:
    return first_word_experiment(get_model(model_name), first_id)


@st.cache_data(max_entries=256, show_spinner=False)
def get_step_numbers(model_name: str, text: str) -> StepNumbers:
    return step_numbers(get_model(model_name), text)
