"""Word labels on an axis that never overlap: all of them side by side when they fit, else upright and thinned.

The server does not know how wide the chart will be drawn, so the labels are laid out for the narrowest screen a
page is made for (a 1280-pixel laptop with the sidebar open; presenter mode: the same screen, sidebar closed).
Every word stays named on hover.
"""

from __future__ import annotations

import html
import math

CHAR_EM = 0.62  # average width of a character, in font sizes (DejaVu Sans, Chromium's fallback on Debian, ~0.6)
LINE_EM = 1.35  # room an upright label needs across the axis: its line height with a little air
MAX_CHARS = 11  # longer words are cut with "…" on the axis (hover names them whole)
PLOT_PX = {False: 640, True: 940}  # the narrowest plot area (pixels) of a full-width chart: normal, presenter mode


def cut(word: str, max_chars: int = MAX_CHARS) -> str:
    """The word cut to ``max_chars`` characters, with an ellipsis (escape it before Plotly reads it as HTML)."""
    return word if len(word) <= max_chars else word[: max_chars - 1] + "…"


def text_px(text: str, font_px: float) -> float:
    """About how many pixels a label takes (an estimate that errs on the wide side)."""
    return len(text) * CHAR_EM * font_px


def word_ticks(words: list[str], plot_px: float, font_px: float) -> dict:
    """Axis settings for words at x = 0..T-1: horizontal when every label fits beside its neighbours, else
    upright (-90°) and, where even those would touch, every k-th word counted back from the last (always named).

    Returns tickvals, ticktext, tickangle and ``margin_px``, the room the labels need below the axis.
    """
    seq_len = len(words)
    if seq_len == 0:
        return {"tickvals": [], "ticktext": [], "tickangle": 0, "margin_px": 0}
    shown = [cut(word) for word in words]
    widths = [text_px(w, font_px) for w in shown]
    spacing = plot_px / seq_len  # pixels per word
    gap = 0.6 * font_px
    if all((widths[i] + widths[i + 1]) / 2 + gap <= spacing for i in range(seq_len - 1)) and widths[0] / 2 <= plot_px:
        vals = list(range(seq_len))
        angle, margin = 0, LINE_EM * font_px
    else:
        every = max(1, math.ceil(LINE_EM * font_px / spacing))
        vals = list(range(seq_len - 1, -1, -every))[::-1]
        angle, margin = -90, max(widths[i] for i in vals)
    return {
        "tickvals": vals,
        "ticktext": [html.escape(shown[i]) for i in vals],
        "tickangle": angle,
        "margin_px": int(margin + 0.8 * font_px),
    }
