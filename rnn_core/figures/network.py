"""The unrolled network of Word by word: a window of cells around the current word, scrolling as the review is read.

Drawn in slot coordinates (slot 0 is the window's first cell): the cell boxes and arrows never move, and a frame
changes three scatter traces (the current cell, the hidden vectors, the labels): which word stands in which slot,
its hidden vector as a column of colours inside the cell, its label, its answer and the h it hands on. No axis
range changes between frames, so the browser never redraws the whole chart while it plays.
"""

from __future__ import annotations

import html

import numpy as np

from .plain import colorscale
from .style import ACCENT, CLASS_COLORS, DIVERGING

WINDOW = 9  # cells on screen at once: a long word under each still has room on a 1280-pixel laptop
HALF = 0.3  # half a cell's width; slots are 1 apart, the arrow handing h on gets the other 0.4
BOX = 0.5  # a cell spans y = -BOX..BOX
COLUMN = 0.42  # the hidden vector's column inside it: unit 0 at y = -COLUMN, the last unit at +COLUMN
WORD_Y = (-1.0, -1.52)  # word labels under the cells, on alternating lines so long neighbours never touch
ANSWER_Y = 0.93  # y_t, the answer after the word, above its cell
H_Y = 0.2  # the label of the h handed on, above its arrow
Y_RANGE = [-1.8, 1.15]
CELL_UNITS = 16  # units drawn in a cell's column: the most changing ones (every unit is in the heatmap below)
ARROW_GREY = "#777"
UNREAD = "#a6a6a6"  # words the network has not read yet
# No label is ever empty: a point whose text was empty gets no text element, and a later frame cannot give it one.
BLANK = "\u00a0"
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def slots(seq_len: int) -> int:
    """How many cells the window shows."""
    return min(seq_len, WINDOW)


def window_start(t: int, seq_len: int) -> int:
    """The window's first word at step ``t``: the current word in the middle, the window inside the review."""
    n = slots(seq_len)
    return int(min(max(0, t - n // 2), seq_len - n))


def x_range(seq_len: int) -> list[float]:
    """The network panel's x range: always WINDOW slots wide (cells keep their size), a short review centred."""
    pad = (WINDOW - slots(seq_len)) / 2
    return [-0.95 - pad, slots(seq_len) - 0.3 + pad]  # room on the left for the arrow bringing h in


def delta_color(delta: float) -> str:
    """The page's one colour meaning: blue raised P(positive), vermillion lowered it."""
    return CLASS_COLORS["positive"] if delta >= 0 else CLASS_COLORS["negative"]


def escaped(words: list[str]) -> list[str]:
    """User words made safe for Plotly, which reads text as HTML."""
    return [html.escape(w) for w in words]


def network_static(seq_len: int, presenter: bool) -> dict:
    """What never moves, as one layout shape (an SVG path; frames never redraw layout shapes): the cell boxes and the
    arrows, h handed to the right, x_t in from below, y_t out at the top, with chevron heads."""
    parts: list[str] = []

    def path(*points: tuple[float, float]) -> None:
        parts.append("M " + " L ".join(f"{x:.3f},{y:.3f}" for x, y in points))

    hx, hy = 0.07, 0.09  # a chevron's half-width and length, in the panel's units (y is about 0.8 x on screen)
    for s in range(slots(seq_len)):
        path((s - HALF, -BOX), (s + HALF, -BOX), (s + HALF, BOX), (s - HALF, BOX), (s - HALF, -BOX))  # the cell
        left = s - 1 + HALF if s else -0.9
        path((left, 0), (s - HALF, 0))  # h in from the left
        path((s - HALF - hx, hy), (s - HALF, 0), (s - HALF - hx, -hy))
        for y0, y1 in ((WORD_Y[0] + 0.24, -BOX), (BOX, ANSWER_Y - 0.16)):  # x_t up into the cell, y_t out of the top
            path((s, y0), (s, y1))
            path((s - hx, y1 - 1.3 * hy), (s, y1), (s + hx, y1 - 1.3 * hy))
    return {"type": "path", "path": " ".join(parts), "line": {"color": ARROW_GREY, "width": 3 if presenter else 2}}


def cell_units(hidden: np.ndarray, k: int = CELL_UNITS) -> np.ndarray:
    """The ``k`` units whose state changes most over the review (largest variance), in unit order: the cells show them."""
    if hidden.shape[1] <= k:
        return np.arange(hidden.shape[1])
    return np.sort(np.argsort(-hidden.var(axis=0), kind="stable")[:k])  # (k,)


def network_step(t: int, words: list[str], ids: list[int], hidden: np.ndarray, answer: np.ndarray, deltas: np.ndarray,
                 presenter: bool) -> list[dict]:  # fmt: skip
    """The network after word ``t`` (0-based): the current cell, the hidden vectors, the labels (one frame's traces).

    Shapes: hidden (T, H), answer (T,) P(positive), deltas (T,) its change at each word. ``words`` are escaped.
    """
    seq_len, hidden_size = hidden.shape
    start, n = window_start(t, seq_len), slots(seq_len)
    shown = list(range(start, start + n))
    read = [w for w in shown if w <= t]  # they fill the first slots
    units = cell_units(hidden)  # (K,)
    unit_y = np.linspace(-COLUMN, COLUMN, len(units)) if len(units) > 1 else np.zeros(1)  # (K,)
    c = t - start
    font = 18 if presenter else 13
    word_hover = [
        f"word {w + 1}: {words[w]} (#{ids[w]})<br>P(positive) after it: {answer[w]:.3f} ({deltas[w]:+.3f})"
        if w <= t
        else f"word {w + 1}: {words[w]}, not read yet"
        for w in shown
    ]
    handed = [("h" + str(start).translate(SUBSCRIPT)) + (" = 0" if start == 0 else "")]
    handed += ["h" + str(w + 1).translate(SUBSCRIPT) if w < t else BLANK for w in shown[:-1]]
    labels = {  # words under the cells, answers above, h on the arrows: one text trace
        "x": list(range(n)) + list(range(len(read))) + [-0.62] + [s + 0.5 for s in range(n - 1)],
        "y": [WORD_Y[w % 2] for w in shown] + [ANSWER_Y] * len(read) + [H_Y] * n,  # a word keeps its line as it scrolls
        "text": [words[w] for w in shown] + [f"{answer[w]:.2f}" for w in read] + handed,
        "color": [delta_color(deltas[w]) if w <= t else UNREAD for w in shown] + ["#333"] * len(read) + ["#555"] * n,
        "size": [font] * n + [font - 2] * (len(read) + n),
        "hover": word_hover + [f"P(positive) after '{words[w]}': {answer[w]:.3f}" for w in read] + [BLANK] * n,
    }
    box = (c - HALF - 0.08, c + HALF + 0.08, -BOX - 0.08, BOX + 0.08)
    return [
        {
            "type": "scatter",
            "x": [box[0], box[1], box[1], box[0], box[0]],
            "y": [box[2], box[2], box[3], box[3], box[2]],
            "name": "current cell",
        },
        {  # each read word's hidden vector: a column of colours in its cell, unit 0 at the bottom as in the heatmap
            "type": "scatter",
            "x": np.repeat(np.arange(len(read), dtype=np.float32), len(units)),
            "y": np.tile(unit_y.astype(np.float32), len(read)),
            "marker": {"line": {"color": hidden[np.ix_(read, units)].ravel().astype(np.float32)}},  # (R * K,)
            "name": "h in the cell",
        },
        {
            "type": "scatter",
            "x": labels["x"],
            "y": labels["y"],
            "text": labels["text"],
            "textfont": {"color": labels["color"], "size": labels["size"]},
            "hovertext": labels["hover"],
            "name": "cell labels",
        },
    ]


def network_styles(hidden_size: int, presenter: bool) -> list[dict]:
    """What the three animated network traces keep from frame to frame, in network_step's order."""
    column_px = (120 if presenter else 84) * COLUMN  # about how tall the hidden vector's column is drawn
    hidden_size = min(hidden_size, CELL_UNITS)
    return [
        {"mode": "lines", "line": {"color": ACCENT, "width": 5 if presenter else 4}, "hoverinfo": "skip"},
        {
            "mode": "markers",
            "marker": {
                "symbol": "line-ew",  # one short horizontal stroke per unit: together, a column of colours
                "size": 34 if presenter else 24,
                "line": {"colorscale": colorscale(DIVERGING), "cmin": -1, "cmax": 1, "width": max(1.0, column_px / hidden_size)},
            },
            "hoverinfo": "skip",
        },
        {"mode": "text", "hoverinfo": "text"},
    ]
