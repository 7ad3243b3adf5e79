"""A review longer than its box holds: keep what fits, and say plainly how long the text was.

The box used to refuse such a paste outright (Streamlit's max_chars drops the whole change in the browser), which
left it empty after a select-all-and-paste. Now the browser takes any paste, and the server keeps the first
``limit`` characters (ending on a whole word where one ends near the limit) and says how long the paste was.
Every function takes the box's session key, so any review box can use them (the shared one is "review").
"""

from __future__ import annotations

import streamlit as st

CUT = "{}_cut"  # session state per box: (the text kept, the length of the text it was cut from)
RERUN = "{}_cut_rerun"  # session flag per box: a text too long for it came from the link, and a second run cut it
WORD_BACKTRACK = 200  # characters the cut may move back to end on a whole word


def fitted(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, ending at the last whitespace near the limit if there is one."""
    if len(text) <= limit:
        return text
    kept = text[:limit]
    if not text[limit].isspace():
        space = max(kept.rfind(c, limit - WORD_BACKTRACK) for c in " \n\t")
        kept = kept[:space] if space > 0 else kept
    return kept.rstrip()


def keep_what_fits(limit: int, key: str = "review") -> None:
    """Cut the box's text in session state to ``limit`` characters, remembering how long it was (before the box
    runs, and as the box's on_change)."""
    text = st.session_state.get(key)
    if isinstance(text, str) and len(text) > limit:
        kept = fitted(text, limit)
        st.session_state[key] = kept
        st.session_state[CUT.format(key)] = (kept, len(text))


def cut_on_second_run(text: str, limit: int, key: str = "review") -> str:
    """The box's text; one from a link (?review=) on a first visit is longer than ``limit`` only because the URL
    set it as the box ran: run once more, and keep_what_fits cuts it before the box."""
    if len(text) > limit and not st.session_state.get(RERUN.format(key)):
        st.session_state[RERUN.format(key)] = True
        st.rerun()
    return fitted(text, limit)


def cut_note(text: str, limit: int, max_tokens: int, key: str = "review") -> bool:
    """If ``text`` is what was kept of a longer paste, say so, how long it was, and that it is not read; True then.

    A cut review is not read: its last sentence may stop halfway, and a verdict on it would be a verdict on a text
    nobody wrote. The box keeps it, so the reader can shorten it there.
    """
    kept, length = st.session_state.get(CUT.format(key), ("", 0))
    if not kept or text != kept:
        return False
    st.warning(
        f"The text you pasted has {length:,} characters, more than the review box holds ({limit:,}): the box keeps its "
        f"first {len(kept):,}. RNN Lens reads up to {max_tokens} words and punctuation marks. Please shorten it."
    )
    return True
