"""Every page runs through app.py's router, even on a fresh server's first visit.

Until some script has called st.navigation, Streamlit treats the pages/ folder as old-style pages: a fresh server's
first visitors of a shared link such as /word_by_word get that file run on its own, without app.py (no model picker,
a menu listing every file in pages/). The first import of this module switches that mode off for the process, and
every run that started in it before then is rerun through the router, which opens the same page (same url_path).
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

PagesManager.uses_pages_directory = False


@functools.lru_cache(maxsize=256)
def _resolved(path: str) -> Path:
    """A script's path with links resolved, once per path (every widget of every run asks)."""
    return Path(path).resolve()


def through_the_router() -> None:
    """Rerun this script run through app.py if Streamlit ran a file of pages/ on its own.

    Old-style pages list the main script itself beside the files of pages/; the router's pages never include app.py.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    manager = ctx.pages_manager
    pages = manager.get_pages().values()
    main = _resolved(str(manager.main_script_path))
    if len(pages) > 1 and any(_resolved(str(p.get("script_path", ""))) == main for p in pages):
        PagesManager.uses_pages_directory = False
        st.rerun()
