"""The first page's pair of reviews, answered by the shipped models read with NumPy: the app's first chart does not
wait for torch to load (model.light; the tests check its numbers against the torch models)."""

from __future__ import annotations

import streamlit as st

from rnn_core.explain.pair import PairVerdict, light_pair_verdicts
from rnn_core.lesson import CELL_MODELS
from rnn_core.model.cards import CELL_NAMES
from rnn_core.model.files import ModelFileError, resolve_model_path

from .models import file_stamp, get_light_model


def light_cell_models() -> tuple[dict[str, str], list[str]]:
    """The compared models that load and have the cell their label names, {"RNN": name, ...}, and those that do not."""
    ready, missing = {}, []
    for cell, name in CELL_MODELS.items():
        try:
            fits = get_light_model(name).config.cell == cell
        except ModelFileError:
            fits = False
        if fits:
            ready[CELL_NAMES[cell]] = name
        else:
            missing.append(name)
    return ready, missing


def get_light_pair_verdicts(models: dict[str, str], texts: tuple[str, str], expected: tuple[str, str]) -> list[PairVerdict]:
    """Each model's (label -> name) verdicts on two texts, computed again when a model's file changes."""
    stamps = tuple(file_stamp(resolve_model_path(name)) for name in models.values())
    return _pair_verdicts(models, texts, expected, stamps)


@st.cache_data(max_entries=64, show_spinner=False)
def _pair_verdicts(models: dict[str, str], texts: tuple[str, str], expected: tuple[str, str], stamps: tuple) -> list[PairVerdict]:
    return light_pair_verdicts({label: get_light_model(name) for label, name in models.items()}, texts, expected)
