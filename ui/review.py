"""The review shared by every page (kept in the URL), its cached trace, and the step slider."""

from __future__ import annotations

import streamlit as st

from rnn_core import MAX_TOKENS, ModelFileError, TextError, Trace, trace
from rnn_core.lesson import DEFAULT_REVIEW
from rnn_core.model.checkpoint import resolve_model_path

from .models import get_model, session_models
from .paste import cut_note, cut_on_second_run, keep_what_fits
from .router import through_the_router

# The review box takes at most this many characters (300 words need about 2,000). The review lives in the URL, and
# the server refuses a request line over about 128 kB: 10,000 characters stay under it even as percent-encoded emoji.
MAX_REVIEW_CHARS = 10_000


def get_trace(model_name: str, text: str) -> Trace:
    """The trace of a text through a model (by name or path), cached per (model file, text); a model this tab
    trained itself is traced afresh (a few milliseconds), so no cache ever holds it."""
    if model_name in session_models():
        return trace(session_models()[model_name], text)
    return _trace(str(resolve_model_path(model_name)), text)


@st.cache_data(max_entries=1024, show_spinner=False)
def _trace(path: str, text: str) -> Trace:
    return trace(get_model(path), text)


def review_box(label: str = "Review", height: int = 90) -> str:
    """The review shared by every page and kept in the URL (?review=...), so a link opens the same view."""
    through_the_router()
    keep_what_fits(MAX_REVIEW_CHARS)  # no max_chars on the box: the browser would drop a longer paste whole
    text = st.text_area(
        label,
        value=DEFAULT_REVIEW,
        key="review",
        height=height,
        on_change=keep_what_fits,
        args=(MAX_REVIEW_CHARS,),
        bind="query-params",
        persist_state="session",
        help=f"Any English text; up to {MAX_TOKENS} words and punctuation marks ({MAX_REVIEW_CHARS:,} characters). "
        "Press Ctrl+Enter to apply.",
    )
    return cut_on_second_run(text or "", MAX_REVIEW_CHARS)


def trace_or_message(model_name: str, text: str) -> Trace | None:
    """The trace, or None after showing a clear message on the page (never a stack trace)."""
    if cut_note(text, MAX_REVIEW_CHARS, MAX_TOKENS):
        return None
    try:
        return get_trace(model_name, text)
    except TextError as err:
        st.info(str(err))
    except ModelFileError as err:
        st.error(f"This model cannot be used: {err}")
    return None


def step_slider(label: str, seq_len: int, key: str) -> int:
    """A 1..seq_len slider for the word to show, kept in range when the review gets shorter; returns a 0-based step.

    A review of one word needs no slider (Streamlit refuses a slider whose ends are equal): step 0.
    """
    if seq_len <= 1:
        return 0
    if st.session_state.get(key, 1) > seq_len:
        st.session_state[key] = seq_len
    return st.slider(label, 1, seq_len, value=1, key=key) - 1


def open_on(text: str, page_key: str) -> bool:
    """On a page's first visit in this session, put ``text`` in the review box if it still holds the untouched default.

    Returns True when it did, so the page can say why it opened on another review.
    """
    if st.session_state.get(page_key):
        return False
    st.session_state[page_key] = True
    current = st.session_state.get("review", st.query_params.get("review", DEFAULT_REVIEW))  # a shared link's review too
    if current != DEFAULT_REVIEW:
        return False
    st.session_state["review"] = text
    return True
