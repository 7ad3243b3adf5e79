"""The word player of Word by word: Play, pause, replay, step, speed and (presenter mode) keys, run in the browser.

The player (ui/player.js, a Streamlit v2 component in the app's own page) steps the page's charts without a rerun and
without redrawing them, and owns the page's one position: when it comes to rest it sends the current word back, and
``word_player`` returns it, so the panels below show the word the charts show. On a window too short for the charts
it also says how much room there is, and the page draws them shorter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

KEY = "word_player"
HTML = """<div class="player" role="toolbar" aria-label="Word by word player">
  <button data-part="play" type="button">▶ Play</button>
  <button data-part="replay" type="button" title="Replay from word 1" aria-label="Replay from word 1">⟲</button>
  <button data-part="prev" type="button" title="Previous word" aria-label="Previous word">◀</button>
  <input data-part="slider" type="range" min="1" max="1" step="1" value="1" aria-label="Word">
  <button data-part="next" type="button" title="Next word" aria-label="Next word">▶</button>
  <span class="where"><span data-part="where"></span><b data-part="word"></b></span>
  <select data-part="speed" aria-label="Seconds per word" title="Seconds per word"></select>
  <span data-part="keys" class="keys" hidden>← → step · space plays</span>
</div>"""
CSS = """
.player {display: flex; align-items: center; gap: 0.4rem; font-family: var(--st-font, sans-serif); font-size: 0.95rem;
  color: var(--st-text-color, #222); padding: 2px 0; white-space: nowrap; contain: layout paint;}
.player .where {display: inline-block; width: 14em;}
.player button {font: inherit; padding: 0.2rem 0.6rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #ccc); background: var(--st-secondary-background-color, #f4f4f4); color: inherit;}
.player button[data-part=play] {min-width: 6.2em; background: var(--st-primary-color, #ff4b4b); color: white; border: none;}
.player input[type=range] {flex: 1 1 auto; min-width: 6rem; accent-color: #CC79A7;}
.player .where {overflow: hidden; text-overflow: ellipsis;}
.player select {font: inherit; padding: 0.15rem; border-radius: 0.4rem;}
.player .keys {color: #666;}
.player.big {font-size: 1.3rem; gap: 0.6rem;}
"""
_PLAYER = st.components.v2.component(
    "rnn_lens.word_player", html=HTML, css=CSS, js=Path(__file__).with_name("player.js").read_text(encoding="utf-8")
)


@dataclass(frozen=True)
class PlayerState:
    """What the player says: the current word (0-based), and the height in pixels the charts may take when the
    window is too short for their designed heights (None: it is not)."""

    step: int
    room: int | None


def word_player(review: str, words: list[str], presenter: bool, charts: tuple[str, ...]) -> PlayerState:
    """Draw the player for the charts in the containers keyed ``charts``.

    ``review`` names what the charts show (their layout.meta["review"]): a position sent for another review does not
    count, and a new review opens on its last word, the review fully read.
    """
    last = len(words) - 1
    state = st.session_state.get(KEY) or {}
    position, room = state.get("position"), state.get("room")
    step = last
    if isinstance(position, dict) and position.get("review") == review and isinstance(position.get("step"), int):
        step = min(max(position["step"], 0), last)
    room = int(room) if isinstance(room, (int, float)) and room > 0 else None
    _PLAYER(
        key=KEY,
        data={"review": review, "words": list(words), "presenter": presenter, "charts": list(charts), "step": step, "room": room},
        default={"position": None, "room": None},
        on_position_change=lambda: None,
        on_room_change=lambda: None,
    )
    return PlayerState(step, room)
