"""The Hidden-state explorer's Streamlit glue: the model's atlas, the treebank's sentences and the model's reading
of them (each cached once per server process), the figures, the unit picker and the second review box.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rnn_core.explain.atlas import UnitWords, positive_direction, review_path, strongest_words, unit_order
from rnn_core.explain.atlas_file import AtlasStatus, atlas_path, atlas_status
from rnn_core.explain.treebank_states import TreebankStates, treebank_states
from rnn_core.figures.atlas import background_traces, state_map_figure, unit_atlas_figure
from rnn_core.lesson import ORDER_PAIR
from rnn_core.model.checkpoint import load_vocab, resolve_model_path
from rnn_core.text.data import ENV_DATA, DataUnavailable, cache_dir, find_data_dir
from rnn_core.text.sentences import read_sentences

from .figures import presenter
from .models import file_stamp, get_model, selected_model, session_models
from .review import MAX_REVIEW_CHARS, get_trace

UNIT_KEY = "explorer_unit"
ATLAS_CHART_KEY = "explorer_atlas"


OWN_MODEL = (
    "This model was trained in this browser tab: it has no file, so no atlas (the map's axes come from the whole "
    "treebank, computed for a saved model by the command python -m rnn_core.atlas)."
)


def get_atlas_status(model_name: str) -> AtlasStatus:
    """The model's atlas if it was computed from this very model file, else why not; checked again when a file changes."""
    if model_name in session_models():
        return AtlasStatus(None, OWN_MODEL)
    path = resolve_model_path(model_name)
    return _atlas_status(str(path), file_stamp(path), file_stamp(atlas_path(path.stem)))


@st.cache_resource(max_entries=16, show_spinner=False)
def _atlas_status(model_path: str, model_stamp, atlas_stamp) -> AtlasStatus:
    return atlas_status(model_path)  # hashes the model file once per change


def state_map(model_name: str, texts: tuple[str, ...], zoom: bool, presenter: bool) -> go.Figure:
    """The state map with each text's path, built once for every session that asks for the same one."""
    path = resolve_model_path(model_name)
    return _state_map(str(path), file_stamp(path), file_stamp(atlas_path(path.stem)), texts, zoom, presenter)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False)
def _state_map(model_path: str, model_stamp, atlas_stamp, texts: tuple[str, ...], zoom: bool, presenter: bool) -> go.Figure:
    atlas = _atlas_status(model_path, model_stamp, atlas_stamp).atlas
    traces = [get_trace(model_path, text) for text in texts]
    return state_map_figure(
        [tr.words for tr in traces],
        [review_path(atlas.basis, tr) for tr in traces],
        [np.concatenate([tr.start_probs[None], tr.probs]) for tr in traces],  # (T + 1, C): the answer at h_0 first
        list(texts),
        _background(model_path, model_stamp, atlas_stamp),
        atlas.basis.explained,
        atlas.classes,
        zoom=zoom,
        presenter=presenter,
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _background(model_path: str, model_stamp, atlas_stamp) -> list:
    """The map's background (3,000 points), built once per model: a new review only adds its paths."""
    atlas = _atlas_status(model_path, model_stamp, atlas_stamp).atlas
    return background_traces(
        atlas.sample_xy, atlas.sample_probs, atlas.sample_classes, load_vocab().decode(atlas.sample_ids), atlas.classes
    )


def unit_atlas(model_name: str, text: str, selected: int, presenter: bool) -> go.Figure:
    """Every unit along the review, largest weights to the output first, the inspected one framed."""
    if model_name in session_models():  # this tab's own model: built here, never in a cache other sessions share
        return _build_unit_atlas(model_name, text, selected, presenter)
    return _unit_atlas(str(resolve_model_path(model_name)), text, selected, presenter)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False)
def _unit_atlas(model_path: str, text: str, selected: int, presenter: bool) -> go.Figure:
    return _build_unit_atlas(model_path, text, selected, presenter)


def _build_unit_atlas(model_name: str, text: str, selected: int, presenter: bool) -> go.Figure:
    model, tr = get_model(model_name), get_trace(model_name, text)
    return unit_atlas_figure(tr.words, tr.hidden, unit_order(model), positive_direction(model), selected, presenter=presenter)


def get_unit_words(model_name: str) -> UnitWords:
    """Each unit's strongest dictionary words: from the atlas when it is up to date, else computed here (the same function)."""
    status = get_atlas_status(model_name)
    if status.atlas:
        return status.atlas.words
    own = session_models().get(model_name)
    return strongest_words(own) if own is not None else _unit_words(str(resolve_model_path(model_name)))


@st.cache_resource(max_entries=8, show_spinner="Reading every dictionary word alone...")
def _unit_words(model_path: str) -> UnitWords:
    return strongest_words(get_model(model_path))


def current_unit(model_name: str) -> int:
    """The unit being inspected, kept to the model's units (default: the one with the largest weights to the output)."""
    order = unit_order(get_model(model_name))
    if st.session_state.get(UNIT_KEY) not in set(order.tolist()):
        st.session_state[UNIT_KEY] = int(order[0])
    return int(st.session_state[UNIT_KEY])


def unit_picker(model_name: str) -> int:
    """A picker over the units, in the atlas's order, each labelled with its weight towards "positive"."""
    model = get_model(model_name)
    current_unit(model_name)
    direction = positive_direction(model)
    return st.selectbox(
        "Unit to inspect (or click a unit in the atlas above)",
        unit_order(model).tolist(),
        format_func=lambda u: f"unit {u} · weight towards positive {direction[u]:+.3f}",
        key=UNIT_KEY,
    )


def unit_from_click(data, units: set[int]) -> int | None:
    """The unit a clicked point of the atlas belongs to (its customdata starts with it), or None if it is not one.

    A row of a typed array arrives from the browser as {"0": unit, "1": ..., ...}, a plain list as a list.
    """
    first = data.get("0") if isinstance(data, dict) else data[0] if isinstance(data, list | tuple) and data else None
    return int(first) if isinstance(first, int | float) and not isinstance(first, bool) and int(first) in units else None


def pick_from_atlas() -> None:
    """on_select of the unit atlas: a click on a unit's line inspects that unit."""
    points = st.session_state.get(ATLAS_CHART_KEY, {}).get("selection", {}).get("points", [])
    unit = unit_from_click(points[0].get("customdata"), set(unit_order(get_model(selected_model())).tolist())) if points else None
    if unit is not None:
        st.session_state[UNIT_KEY] = unit


def second_review_box() -> str | None:
    """The review to compare with on the map (kept in the URL too), or None when the comparison is off."""
    if not st.toggle("Draw a second review on the map", value=True, key="explorer_compare", persist_state="session"):
        return None
    text = st.text_input(
        "Second review",
        value=ORDER_PAIR[1],
        key="explorer_second",
        max_chars=MAX_REVIEW_CHARS,
        bind="query-params",
        persist_state="session",
        help="Its path is drawn on the same map (dashed), so you can see where two orders of the same words lead.",
    )
    return text or None


def data_folder() -> Path | None:
    """The treebank folder if RNN Lens can find one without downloading (RNN_LENS_DATA, or a verified cached copy)."""
    return _data_folder(os.environ.get(ENV_DATA, ""), str(cache_dir()))


@st.cache_resource(ttl=300, show_spinner=False)
def _data_folder(env: str, cache: str) -> Path | None:
    try:
        return find_data_dir(allow_download=False)  # checks a cached copy's sha256 sums: once per 5 minutes
    except DataUnavailable:
        return None


def download_treebank() -> None:
    """Fetch the official archive, check it against its sha256 sums and cache it; then every page finds it."""
    try:
        with st.spinner("Downloading the treebank and checking its sha256 sums..."):
            find_data_dir()
        _data_folder.clear()
    except DataUnavailable as err:
        st.session_state["explorer_download_error"] = str(err)


def get_treebank_states(model_name: str) -> TreebankStates | None:
    """The model's reading of the training sentences (once per model and process), or None without the treebank."""
    folder = data_folder()
    if folder is None:
        return None
    own = session_models().get(model_name)
    if own is None:
        return _treebank_states(str(resolve_model_path(model_name)), str(folder))
    kept = st.session_state.setdefault("explorer_own_states", {})  # this tab's own models, kept in this tab only
    if model_name not in kept:
        with st.spinner("Reading the 8,544 training sentences through your model..."):
            kept[model_name] = treebank_states(own, _sentences(str(folder)))
    return kept[model_name]


def treebank_missing_note() -> None:
    """Say what the treebank sections need, and offer the verified download."""
    st.info(
        "This part needs the Stanford Sentiment Treebank's training sentences, which RNN Lens does not ship. "
        f"Start the app with {ENV_DATA}=DIR (a folder holding train.txt, dev.txt and test.txt), or download the "
        "official archive once: it is checked against its published sha256 sums and kept in a cache folder."
    )
    st.button("Download the treebank", key="explorer_download", icon=":material/download:", on_click=download_treebank)
    if error := st.session_state.pop("explorer_download_error", None):
        st.warning(error)


def table(where, rows: list[dict], key: str) -> None:
    """Rows as a table of text (never markdown or HTML), numbers to three decimals; in presenter mode a plain table,
    whose type the presenter style enlarges (an interactive table draws on a canvas at a fixed size)."""
    numbers = [c for c, v in rows[0].items() if isinstance(v, float)] if rows else []
    if presenter():
        where.table(pd.DataFrame(rows).style.format("{:.3f}", subset=numbers).hide(axis="index"))
        return
    config = {c: st.column_config.NumberColumn(format="%.3f") for c in numbers}
    where.dataframe(rows, key=key, hide_index=True, width="stretch", column_config=config)


@st.cache_resource(max_entries=2, show_spinner="Reading the treebank's training sentences...")
def _sentences(folder: str) -> tuple:
    return tuple(read_sentences(folder, "train"))


@st.cache_resource(max_entries=8, show_spinner="Reading the 8,544 training sentences through this model (once per model)...")
def _treebank_states(model_path: str, folder: str) -> TreebankStates:
    return treebank_states(get_model(model_path), _sentences(folder))
