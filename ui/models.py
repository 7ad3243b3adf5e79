"""The shipped models, loaded once per server process, and the model chosen in the sidebar.

Caching lives here: models once per process (read-only, eval mode), shared by every session.
"""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from rnn_core.lesson import DEFAULT_MODEL
from rnn_core.model.cards import card_line, short_label
from rnn_core.model.files import ModelFileError, check_model_file, list_models, models_dir, resolve_model_path
from rnn_core.model.light import LightModel, load_light

if TYPE_CHECKING:
    from rnn_core import SentimentRNN

from .router import through_the_router


@st.cache_resource(show_spinner=False)
def _set_threads() -> None:
    app_threads()


def app_threads() -> None:
    """Sessions share 2 cores; one thread per request keeps them from fighting over both."""
    import torch  # on the first model a page uses (or the handout's click): the first page reads its models without it

    torch.set_num_threads(1)


YOURS = "yours"  # session state: the models this browser tab trained itself (name -> model), never seen by other tabs


def session_models() -> dict[str, SentimentRNN]:
    """The models trained in this tab (Train your own), by name."""
    return st.session_state.setdefault(YOURS, {})


def add_session_model(model: SentimentRNN, label: str) -> str:
    """Offer a model trained in this tab in its picker; returns its name: the label people read, made unique (so no
    cache is ever shared by mistake) by a short random tag. The name is its own label wherever it is shown."""
    name = f"{label} · #{uuid.uuid4().hex[:6]}"
    model.name = name
    session_models()[name] = model
    return name


def own_plain_rnn() -> str | None:
    """The sidebar's model if this tab trained it and it is a plain RNN with one sigmoid (Inside one step can show it)."""
    name = st.session_state.get("model")
    own = session_models().get(name)
    return name if own is not None and own.config.cell == "rnn" and own.config.head == "sigmoid" else None


def get_model(name: str) -> SentimentRNN:
    """A model by name (in the models folder, or trained in this tab) or path, loaded once per server process and
    shared by every session (read-only, eval mode). Raises ModelFileError if its file is bad."""
    through_the_router()
    if name in session_models():
        return session_models()[name]
    return _load_model(str(resolve_model_path(name)))


# What the pages after the first one need first: imported in the background while the first page's reader reads it,
# so that the next page does not wait for torch (about a second of a cold start). It starts TOUR_DELAY seconds after
# the first page's script has run: started at once, it competed with the browser drawing that page's chart (3.6 ->
# 4.1 s after a cold start, bench.serve).
TOUR_MODULES = ("torch", "rnn_core.model.checkpoint", "rnn_core.explain.trace", "rnn_core.explain.gradients")
TOUR_DELAY = 1.5


@st.cache_resource(show_spinner=False)
def prepare_the_tour() -> None:
    """Once per server process: import TOUR_MODULES on a background thread (the first page itself needs none)."""
    threading.Thread(target=_import_quietly, args=(TOUR_MODULES, TOUR_DELAY), name="rnn-lens-tour", daemon=True).start()


def _import_quietly(names: tuple[str, ...], delay: float) -> None:
    time.sleep(delay)
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs it imports it again and says what is wrong
            return


@st.cache_resource(show_spinner="Loading the model...")
def _load_model(path: str) -> SentimentRNN:
    # Keyed by the resolved file, so pointing RNN_LENS_MODELS at another folder never returns a model of the old one.
    _set_threads()
    from rnn_core.model.checkpoint import load_model  # torch: loaded with the first model, not with the app

    return load_model(path)


def get_light_model(name: str) -> LightModel:
    """A shipped model read with NumPy (model.light), for the first page: no torch. Raises ModelFileError."""
    through_the_router()
    path = resolve_model_path(name)
    return _load_light(str(path), file_stamp(path))


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_light(path: str, stamp: tuple[int, int] | None) -> LightModel:
    # The file's stamp in the key: a model file replaced under a running server is read again.
    return load_light(path)


def file_stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size: a cached answer about it is renewed when the file changes."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def model_name(name_or_path: str) -> str:
    """The model's name as people read it ('tiny-sst2'), whether given by name or by path."""
    return resolve_model_path(name_or_path).stem


@dataclass(frozen=True)
class ModelProblem:
    """Why a model cannot be used: ``missing`` when its file is not there at all (not trained yet)."""

    message: str
    missing: bool


def model_problem(name: str, cell: str | None = None, head: str | None = None) -> ModelProblem | None:
    """Why a model cannot be used on a page (missing, damaged, wrong cell or head), or None if it can.

    The one answer to "does this model load?": every page that names a fixed model asks here.
    """
    shown = model_name(name)
    try:
        model = get_model(name)
    except ModelFileError as err:
        if not resolve_model_path(name).is_file():
            return ModelProblem(f"The model {shown} is not in assets/models yet.", missing=True)
        return ModelProblem(f"The model {shown} cannot be used: {err}", missing=False)
    cfg = model.config
    if (cell and cfg.cell != cell) or (head and cfg.head != head):
        wanted = f"a {cell or cfg.cell} with a {head or cfg.head} head"
        return ModelProblem(f"{shown} is a {cfg.cell} with a {cfg.head} head; this needs {wanted}.", missing=False)
    return None


def model_catalogue() -> tuple[dict[str, dict], dict[str, str]]:
    """Models offered (name -> card) and those refused (name -> why), in the models folder; none is loaded here."""
    through_the_router()
    return _catalogue(str(models_dir()))


@st.cache_resource(show_spinner=False)
def _catalogue(folder: str) -> tuple[dict[str, dict], dict[str, str]]:
    # The picker reads the cards; each file is only checked (records read safely, tensors mapped), and a model is
    # loaded when a page first uses it. A file that passes the check but cannot be loaded is reported on that page.
    good, broken = {}, {}
    for name, card in list_models(folder).items():
        try:
            check_model_file(Path(folder, f"{name}.pt"))
            good[name] = card
        except ModelFileError as err:
            broken[name] = str(err)
    return good, broken


def _card(name: str) -> dict:
    own = session_models().get(name)
    return own.card if own is not None else model_catalogue()[0].get(name, {})


def model_label(name: str) -> str:
    """'rnn-sst2 · RNN, sigmoid · 82%', from the model's card, for the picker and the pages' captions."""
    return name if name in session_models() else short_label(name, _card(name))


def model_card_line(name: str) -> str:
    """The model's cell, output head and test accuracy in one line, from its card."""
    return card_line(_card(name))


def selected_model() -> str:
    """The model chosen in the sidebar (the default if the choice is gone)."""
    good = model_catalogue()[0]
    name = st.session_state.get("model")
    if name in good or name in session_models():
        return name
    return DEFAULT_MODEL if DEFAULT_MODEL in good else next(iter(good), DEFAULT_MODEL)
