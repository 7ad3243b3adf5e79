"""Cached measurements behind what the pages say about the shipped models (rnn_core.explain.claims)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnn_core.explain.claims import OpeningSwap, PairVerdict, opening_swaps, pair_verdicts, verdicts_on
from rnn_core.explain.output_heads import dictionary_sigmoid_sums

from .models import get_model


@st.cache_data(max_entries=64, show_spinner=False)
def get_pair_verdicts(models: dict[str, str], texts: tuple[str, str], expected: tuple[str, str]) -> list[PairVerdict]:
    """Each model's (label -> name) verdicts on two texts."""
    return pair_verdicts({label: get_model(name) for label, name in models.items()}, texts, expected)


@st.cache_data(max_entries=16, show_spinner=False)
def get_opening_swaps(models: dict[str, str], glowing: str, scathing: str) -> list[OpeningSwap]:
    return opening_swaps({label: get_model(name) for label, name in models.items()}, glowing, scathing)


@st.cache_data(max_entries=64, show_spinner=False)
def get_verdicts(models: dict[str, str], text: str) -> dict[str, tuple[float, str]]:
    """Each model's (label -> name) P(positive) and verdict after the last word of ``text``."""
    return verdicts_on({label: get_model(name) for label, name in models.items()}, text)


@st.cache_data(max_entries=8, show_spinner="Reading every dictionary word alone...")
def get_dictionary_sums(model_name: str) -> np.ndarray:
    """The three-sigmoid sum of every dictionary word read alone, (V - 2,)."""
    return dictionary_sigmoid_sums(get_model(model_name))
