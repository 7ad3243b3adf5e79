"""Links by name and the Reset control: what a shared URL opens, and the way back to the default view."""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from rnn_core.lesson import DEFAULT_MODEL, DEFAULT_REVIEW

YES = ("1", "true", "yes", "on")  # ?presenter= values that switch presenter mode on (any case)
READ = "links_read"  # session flag: the link has been read (once per session, on its first run)
AGAIN = "links_again"  # what a link named in another spelling: set once more on the next run, for the URL
# Session keys that belong to one review (the quiz's answers, the example picked) and end with it.
REVIEW_STATE = ("quiz_answers", "example")


def model_from_link(value: str | None, names: Collection[str]) -> str | None:
    """The model a link's ?model= names, or None.

    Accepts the name in any case ('GRU-SST2') and the picker's old display label, which links held before
    ('gru-sst2 · GRU, sigmoid · 86%': the name is its first part, whatever accuracy the label showed then).
    """
    if not value:
        return None
    wanted = value.split("·")[0].strip().lower()
    return next((name for name in names if name.lower() == wanted), None)


def read_link(names: Collection[str]) -> None:
    """Before the sidebar's widgets: what the session's link asks for, in any spelling.

    The picker is bound to ?model= and takes a model's name as it is; a link written by hand in another case, or an
    old link holding the picker's former display text, is mapped to the name here on the session's first run.
    ?presenter= takes true/false; 1, yes and on mean true too. Streamlit drops a value it cannot read from the URL
    and writes a value set in code only once the widget has run before, so what was mapped is set once more on the
    next run (if the reader has not changed it meanwhile): from then on the URL holds it in the app's spelling.
    """
    again = st.session_state.pop(AGAIN, None)
    if again:
        st.session_state.update({k: v for k, v in again.items() if st.session_state.get(k) == v})
    if st.session_state.get(READ):
        return
    st.session_state[READ] = True
    given, presenter = st.query_params.get("model"), st.query_params.get("presenter", "")
    wanted: dict[str, object] = {}
    name = model_from_link(given, names)
    if name and name != given:
        wanted["model"] = name
    if presenter.strip().lower() in YES and presenter != "true":
        wanted["presenter"] = True
    st.session_state.update(wanted)
    if wanted:
        st.session_state[AGAIN] = wanted


def reset(names: Collection[str]) -> None:
    """Back to the default review and model (the URL follows: both are bound to it)."""
    st.session_state["review"] = DEFAULT_REVIEW
    if DEFAULT_MODEL in names:
        st.session_state["model"] = DEFAULT_MODEL
    for key in REVIEW_STATE:
        st.session_state.pop(key, None)


def reset_button(names: Collection[str]) -> None:
    st.button(
        "Reset",
        key="reset",
        icon=":material/restart_alt:",
        on_click=reset,
        args=(tuple(names),),
        help=f"Back to the default review (“{DEFAULT_REVIEW}”) and model ({DEFAULT_MODEL}).",
    )
