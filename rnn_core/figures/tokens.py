"""The token strip: each word with its dictionary index, tinted by how much it moved the answer.

Returns an HTML string in which every piece of user text is escaped.
"""

from __future__ import annotations

import html

from .style import CLASS_COLORS


def _tint(delta: float, scale: float) -> str:
    """Blue for words that raised P(positive), vermillion for words that lowered it; stronger = more."""
    strength = min(abs(delta) / scale, 1.0) if scale > 0 else 0.0
    rgb = CLASS_COLORS["positive"] if delta >= 0 else CLASS_COLORS["negative"]
    r, g, b = (int(rgb[i : i + 2], 16) for i in (1, 3, 5))
    alpha = 0.08 + 0.62 * strength
    return f"rgba({r},{g},{b},{alpha:.2f})"


def token_strip_html(tokens: list[str], ids: list[int], known: list[bool], deltas: list[float], big: bool = False) -> str:
    """One chip per word: the word, '#index' or '<unk>', and the change in P(positive) it caused."""
    scale = max([abs(d) for d in deltas] + [0.05])
    size, small = ("1.35rem", "1.05rem") if big else ("1rem", "0.75rem")  # presenter mode: the index and change too
    chips = []
    for word, index, is_known, delta in zip(tokens, ids, known, deltas):
        where = f"#{index}" if is_known else "&lt;unk&gt; (unknown)"
        arrow = "▲ " if delta > 0.005 else "▼ " if delta < -0.005 else ""  # no arrow for a word that left the answer
        chips.append(
            f'<span title="P(positive) changed by {delta:+.3f}" style="display:inline-block;margin:3px;padding:4px 8px;'
            f"border-radius:6px;background:{_tint(delta, scale)};border:1px solid {'#999' if is_known else '#D55E00'};"
            f'text-align:center;line-height:1.2">'
            f'<span style="font-size:{size};font-weight:600">{html.escape(word)}</span><br>'
            f'<span style="font-size:{small};color:#333">{where} · {arrow}{delta:+.2f}</span></span>'
        )
    return '<div style="line-height:1;margin:4px 0 8px 0">' + "".join(chips) + "</div>"
