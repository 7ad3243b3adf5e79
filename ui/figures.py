"""How the pages show figures: one set of chart options, presenter mode, and figures shared between sessions."""

from __future__ import annotations

import streamlit as st

# Every st.plotly_chart of the app: full width, no Plotly toolbar.
CHART = {"config": {"displayModeBar": False}, "width": "stretch"}


def presenter() -> bool:
    """Presenter mode (sidebar toggle): larger type, fewer controls."""
    return bool(st.session_state.get("presenter", False))


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
