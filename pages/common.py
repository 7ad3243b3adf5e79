"""Streamlit glue shared by the pages: cached models and traces, the shared review, messages.

Caching lives here and only here: models once per process (read-only, eval
mode), traces per (model, text).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from rnn_core import MAX_TOKENS, ModelFileError, SentimentRNN, TextError, Trace, list_models, load_model, trace
from rnn_core.checkpoint import models_dir, resolve_model_path
from rnn_core.model_cards import card_line, short_label
from rnn_core.viz_style import CLASS_COLORS, class_label

# Until some script has called st.navigation, Streamlit treats the pages/ folder as old-style pages: a fresh server's
# first visitors of a shared link such as /word_by_word get that file run on its own, without app.py (no model picker,
# a menu listing every file in pages/). The first import of this module switches that mode off for the process, and
# every run that started in it before then is rerun through the router, which opens the same page (same url_path).
PagesManager.uses_pages_directory = False


def _through_the_router() -> None:
    """Rerun this script run through app.py if Streamlit ran a file of pages/ on its own."""
    ctx = get_script_run_ctx()
    pages = ctx.pages_manager.get_pages().values() if ctx is not None else []
    if any(Path(str(p.get("script_path", ""))).name == Path(__file__).name for p in pages):  # only then is this file a page
        PagesManager.uses_pages_directory = False
        st.rerun()


DEFAULT_REVIEW = "that was phenomenal"
DEFAULT_MODEL = "rnn-sst2"
# The review box takes at most this many characters (300 words need about 2,000). The review lives in the URL, and
# the server refuses a request line over about 128 kB: 10,000 characters stay under it even as percent-encoded emoji.
MAX_REVIEW_CHARS = 10_000


@st.cache_resource(show_spinner=False)
def _set_threads() -> None:
    # Sessions share 2 cores; one thread per request keeps them from fighting over both.
    torch.set_num_threads(1)


def get_model(name: str) -> SentimentRNN:
    """A model by name (in the models folder) or path, loaded once per server process and shared by every
    session (read-only, eval mode). Raises ModelFileError if its file is bad."""
    _through_the_router()
    return _load_model(str(resolve_model_path(name)))


@st.cache_resource(show_spinner="Loading the model...")
def _load_model(path: str) -> SentimentRNN:
    # Keyed by the resolved file, so pointing RNN_LENS_MODELS at another folder never returns a model of the old one.
    _set_threads()
    return load_model(path)


def model_catalogue() -> tuple[dict[str, dict], dict[str, str]]:
    """Models that load (name -> card) and those that do not (name -> why), in the models folder."""
    _through_the_router()
    return _catalogue(str(models_dir()))


@st.cache_resource(show_spinner=False)
def _catalogue(folder: str) -> tuple[dict[str, dict], dict[str, str]]:
    good, broken = {}, {}
    for name in list_models(folder):
        try:
            good[name] = get_model(str(Path(folder, f"{name}.pt"))).card
        except ModelFileError as err:
            broken[name] = str(err)
    return good, broken


def get_trace(model_name: str, text: str) -> Trace:
    """The trace of a text through a model (by name or path), cached per (model file, text)."""
    return _trace(str(resolve_model_path(model_name)), text)


@st.cache_data(max_entries=1024, show_spinner=False)
def _trace(path: str, text: str) -> Trace:
    return trace(get_model(path), text)


def cached_figure(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, built once for every session that asks with the same arguments.

    The figure is shared: pass it to st.plotly_chart as it is, never change it. Building a Plotly figure is most
    of a page run (the Word-by-word figure is about 70% of it), and a class that opens one shared link, or the
    same default view, asks for the same figure thirty times at once: one builds it, the others wait and share it.
    """
    return _figure(builder, f"{builder.__module__}.{builder.__qualname__}", args, kwargs)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False)  # a 20-word Word-by-word figure holds ~4 MB
def _figure(_builder, name: str, args: tuple, kwargs: dict):
    return _builder(*args, **kwargs)  # keyed by the builder's name and the arguments' values


def model_label(name: str) -> str:
    """'rnn-sst2 · RNN, sigmoid · 82%', from the model's card, for the picker and the pages' captions."""
    return short_label(name, model_catalogue()[0].get(name, {}))


def model_card_line(name: str) -> str:
    """The model's cell, output head and test accuracy in one line, from its card."""
    return card_line(model_catalogue()[0].get(name, {}))


def selected_model() -> str:
    """The model chosen in the sidebar (the default if the choice is gone)."""
    good = model_catalogue()[0]
    name = st.session_state.get("model")
    if name in good:
        return name
    return DEFAULT_MODEL if DEFAULT_MODEL in good else next(iter(good), DEFAULT_MODEL)


def presenter() -> bool:
    return bool(st.session_state.get("presenter", False))


def review_box(label: str = "Review", height: int = 90) -> str:
    """The review shared by every page and kept in the URL (?review=...), so a link opens the same view."""
    _through_the_router()
    text = st.text_area(
        label,
        value=DEFAULT_REVIEW,
        key="review",
        height=height,
        max_chars=MAX_REVIEW_CHARS,  # a longer paste (or ?review= value) is cut here, and trace_or_message says so
        bind="query-params",
        persist_state="session",
        help=f"Any English text; up to {MAX_TOKENS} words and punctuation marks. Press Ctrl+Enter to apply.",
    )
    return text or ""


def trace_or_message(model_name: str, text: str) -> Trace | None:
    """The trace, or None after showing a clear message on the page (never a stack trace)."""
    if len(text) >= MAX_REVIEW_CHARS:  # the review box holds no more: a longer paste was cut to fit
        st.warning(
            f"This text fills the review box ({MAX_REVIEW_CHARS:,} characters, the most it holds); RNN Lens reads up to "
            f"{MAX_TOKENS} words and punctuation marks. Please shorten it."
        )
        return None
    try:
        return get_trace(model_name, text)
    except TextError as err:
        st.info(str(err))
    except ModelFileError as err:
        st.error(f"This model cannot be used: {err}")
    return None


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


def as_plain(text: str) -> str:
    """User text made safe for st.markdown / st.caption: every markdown character escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def verdict(tr: Trace) -> None:
    """The review's answer after its last word, large, with colour and symbol."""
    final = tr.probs[-1]
    if tr.head == "sigmoid":
        label, prob, what = ("positive", final[0], "P(positive)") if final[0] >= 0.5 else ("negative", final[0], "P(positive)")
    else:
        k = int(final.argmax())
        label, prob, what = tr.classes[k], final[k], f"P({tr.classes[k]})"
    color = CLASS_COLORS[label]
    size = "3rem" if presenter() else "2rem"
    st.html(
        f'<div style="font-size:{size};font-weight:700;color:{color}">Verdict: {class_label(label)}'
        f' <span style="font-weight:400;font-size:0.6em;color:#333">{what} = {prob:.3f}</span></div>'
    )


def unknown_words_note(tr: Trace) -> None:
    """Say which words the model has never seen (they all share the <unk> column)."""
    every_unknown = tr.unknown_tokens
    unknown = list(dict.fromkeys(every_unknown))
    if unknown:
        shown = ", ".join(f"“{as_plain(w)}”" for w in unknown[:12]) + (" …" if len(unknown) > 12 else "")
        st.caption(f"Not in the 10,000-word dictionary, read as `<unk>`: {shown}")
    if len(every_unknown) == len(tr.tokens):
        st.info(
            "No word of this text is in the dictionary, so the network reads the same `<unk>` column at every step: "
            "the answer shows what it learned for unknown words, not what the text says. Try words in English."
        )
