"""Cached gradient results for the Vanishing-gradients page, keyed by model name and text (or first word).

The Streamlit boundary: rnn_core computes, this module caches.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnn_core.explain.first_words import FirstWordTable, current_table, table_path
from rnn_core.explain.gradients import (
    MATRIX_WINDOW,
    DecayCurves,
    FirstWordExperiment,
    ReviewGradients,
    StepNumbers,
    decay_curves,
    first_word_experiment,
    initial_weights,
    review_gradients,
    review_influence,
    scaled_recurrence,
    step_numbers,
)
from rnn_core.lesson import CELL_MODELS
from rnn_core.model.cards import CELL_NAMES
from rnn_core.model.checkpoint import resolve_model_path

from .models import file_stamp, get_model, model_problem
from .review import get_trace


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
    """Influence of every word of ``text`` on the final answer of a model, (T,), from the review's cached trace."""
    return review_influence(get_model(model_name), text, tr=get_trace(model_name, text))


@st.cache_data(max_entries=128, show_spinner="Following the gradient back through every word...")
def get_review_gradients(model_name: str, text: str) -> ReviewGradients:
    """Everything for one text; the state matrix covers its last MATRIX_WINDOW words."""
    tr, influence = get_trace(model_name, text), get_influence(model_name, text)  # cached: the page has both already
    return review_gradients(get_model(model_name), text, window=MATRIX_WINDOW, tr=tr, influence=influence)


@st.cache_data(max_entries=16, show_spinner="Reading random reviews...")
def get_decay(model_name: str) -> DecayCurves:
    return decay_curves(get_model(model_name))


@st.cache_data(max_entries=512, show_spinner=False)
def get_experiment(model_name: str, first_id: int) -> FirstWordExperiment:
    """The first-word experiment: read from the model's table when it has a current one, else computed here."""
    path = resolve_model_path(model_name)
    table = _first_word_table(str(path), file_stamp(path), file_stamp(table_path(path.stem)))
    if table is not None and 0 <= first_id < table.shares.shape[0]:
        return table.experiment(first_id)
    return first_word_experiment(get_model(model_name), first_id)


@st.cache_resource(max_entries=16, show_spinner=False)
def _first_word_table(model_path: str, model_stamp, table_stamp) -> FirstWordTable | None:
    return current_table(model_path)  # hashes the model file once per change of either file


@st.cache_data(max_entries=256, show_spinner=False)
def get_step_numbers(model_name: str, text: str) -> StepNumbers:
    return step_numbers(get_model(model_name), text, tr=get_trace(model_name, text))


@st.cache_data(max_entries=64, show_spinner="Reading random reviews with W_hh scaled...")
def get_scaled_decay(model_name: str, factor: float) -> DecayCurves:
    """Decay curves of the model with W_hh times ``factor`` (1.0: as trained)."""
    return decay_curves(scaled_recurrence(get_model(model_name), factor))


@st.cache_data(max_entries=16, show_spinner="Reading random reviews with the untrained weights...")
def get_initial_decay(model_name: str) -> DecayCurves:
    """Decay curves of the weights the model's training started from."""
    return decay_curves(initial_weights(get_model(model_name)))


@st.cache_data(max_entries=64, show_spinner=False)
def get_scaled_influence(model_name: str, text: str, factor: float) -> np.ndarray:
    """Influence of every word of ``text`` with W_hh times ``factor``, (T,); at 1 the trained model's own row."""
    if factor == 1.0:  # W_hh times 1 is the trained matrix: the same numbers, already cached
        return get_influence(model_name, text)
    return review_influence(scaled_recurrence(get_model(model_name), factor), text)
