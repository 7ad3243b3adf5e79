"""Figures for the Word-by-word page: arrays in, Plotly figures out. Both open on the last word: the review fully read.

- ``word_by_word_figure``: 1 the unrolled network, a window of cells around the current word (network.py), and
  2 the current word as a one-hot vector; one Plotly frame per word, changing scatter traces only.
- ``answer_state_figure``: 3 the answer after each word over 4 the hidden state after each word (heatmap), on one
  word axis. It is never redrawn while the review plays: the page's player lays the current word's column, the
  current answer and a veil over the words not read yet on top of it (layout.meta["answer"] gives it the answers).

Why two figures, and no moving parts in the second: a frame that skips the full redraw (the only way to step
without a visible stall) drops the traces it cannot animate, heatmaps among them; and moving a shape by relayout
redraws the whole figure in plotly.js 4 (about 17 ms a step measured in the page, against 0.1 ms for the overlay).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .network import BLANK, Y_RANGE, escaped, network_static, network_step, network_styles, x_range
from .plain import colorscale, hline, plain_figure, readable_layout, subplot_layout
from .sent import finish
from .style import ACCENT, CLASS_COLORS, CLASS_MARKERS, DIVERGING, FONT_SIZE, base_layout, class_label
from .word_axis import PLOT_PX, word_ticks

GRID = 100  # the one-hot vector drawn as a 100 x 100 grid: 10,000 cells, one lit
# Heights (px, normal / presenter): together with the player they fit below the review box on a 1280x800 laptop and
# on a 1920x1080 projector; the player shrinks them on a smaller screen.
NETWORK_HEIGHT = {False: 200, True: 280}
ANSWER_STATE_HEIGHT = {False: 380, True: 540}
MARGIN = {False: {"l": 56, "r": 70}, True: {"l": 70, "r": 84}}  # the same on both figures: their panels line up
# The page's colours, said once in answer_state_figure's legend: each colour means one thing everywhere on the page.
COLOUR_KEY = (
    ("moved P(positive) up", {"symbol": "triangle-up", "color": CLASS_COLORS["positive"]}),
    ("moved it down", {"symbol": "triangle-down", "color": CLASS_COLORS["negative"]}),
    ("h > 0", {"symbol": "square", "color": "#762a83"}),
    ("h < 0", {"symbol": "square", "color": "#1b7837"}),
    ("current word", {"symbol": "square-open", "color": ACCENT, "line": {"width": 3}}),
)


def token_deltas(probs: np.ndarray, start_prob: float) -> np.ndarray:
    """How much each word moved P(positive): p_t - p_{t-1}, with p_0 the answer before any word. (T,)"""
    answer = probs[:, -1]  # (T,)
    return np.diff(np.concatenate([[start_prob], answer]))


def _onehot_step(t: int, words: list[str], ids: list[int]) -> dict:
    """The lit cell of x_t and, above the grid, which word and index it is (panel 2): one trace, two points."""
    row, col = divmod(ids[t], GRID)
    return {
        "type": "scatter",
        "x": [col, GRID / 2 - 0.5],
        "y": [row, -10],
        "text": [BLANK, f"“{words[t]}” = #{ids[t]}"],
        "hovertext": [f"x_t = 1 at index {ids[t]} ({words[t]}); the other 9,999 entries are 0", BLANK],
        "name": "x_t",
    }


def _onehot_style(presenter: bool) -> dict:
    return {
        "mode": "markers+text",
        "marker": {"size": [12 if presenter else 9, 0], "color": "#000", "symbol": "square"},
        "textfont": {"size": FONT_SIZE[presenter] - 1},
        "textposition": "middle center",
        "hoverinfo": "text",
        "cliponaxis": False,
    }


def _with_style(trace: dict, style: dict) -> dict:
    """A frame's trace with its style, nested settings merged (a marker's colours from one, its size from the other)."""
    merged = dict(trace)
    for key, value in style.items():
        merged[key] = _with_style(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def word_by_word_figure(
    tokens: list[str],
    ids: list[int],
    hidden: np.ndarray,
    probs: np.ndarray,
    start_prob: float = 0.5,
    presenter: bool = False,
    meta: dict | None = None,
) -> go.Figure:
    """The unrolled network and the one-hot vector, showing the last word, with one frame per word ("0", "1", ...).

    Shapes: hidden (T, H) on [-1, 1], probs (T, C) on [0, 1] (P(positive) last); ``start_prob`` is P(positive)
    before any word. ``meta`` goes into the layout for the page's player (which review the figure shows).
    """
    seq_len, hidden_size = hidden.shape
    words = escaped(tokens)
    answer, deltas = probs[:, -1], token_deltas(probs, start_prob)
    titles = ("1 · The unrolled network: one cell per word, h handed to the right", "2 · x_t, one-hot")
    size = FONT_SIZE[presenter]
    layout = subplot_layout(titles, title_size=size, column_widths=(0.8, 0.2), horizontal_spacing=0.04)

    def step(t: int) -> list[dict]:
        return network_step(t, words, ids, hidden, answer, deltas, presenter) + [_onehot_step(t, words, ids)]

    styles = network_styles(hidden_size, presenter) + [_onehot_style(presenter)]
    axes = {1: {"xaxis": "x", "yaxis": "y"}, 2: {"xaxis": "x2", "yaxis": "y2"}}
    data = [{**_with_style(trace, style), "showlegend": False, "type": "scatter", **axes[col]}
            for trace, style, col in zip(step(seq_len - 1), styles, (1, 1, 1, 2))]  # fmt: skip
    # A frame that skips the full redraw draws only the traces it names and drops the others: it names them all. Every
    # frame also runs Plotly's defaults over the whole figure, so it holds no more: the cells and arrows are one shape,
    # the colour key is in the other figure's legend.
    drawn = list(range(len(data)))
    frames = [  # plain dicts, sent as they are (rnn_core.figures.sent): validating 50 frames was most of the build
        {"data": [{**trace, "type": "scatter"} for trace in step(t)], "name": str(t), "traces": drawn} for t in range(seq_len)
    ]
    grid_box = {"type": "rect", "x0": -0.5, "x1": GRID - 0.5, "y0": -0.5, "y1": GRID - 0.5, "fillcolor": "#f1f1f1",
                "line": {"width": 0}, "layer": "below", "xref": "x2", "yref": "y2"}  # fmt: skip
    layout |= _layout(presenter, NETWORK_HEIGHT[presenter], {"t": size + 30, "b": 4})
    layout |= {
        "shapes": [network_static(seq_len, presenter) | {"xref": "x", "yref": "y"}, grid_box],
        "meta": {**(meta or {}), "height": NETWORK_HEIGHT[presenter]},  # the player fits the designed heights on screen
        "showlegend": False,
    }
    layout["xaxis"] |= {"range": x_range(seq_len), "visible": False}
    layout["yaxis"] |= {"range": Y_RANGE, "visible": False}
    one_hot = {
        "showticklabels": False,
        "tickvals": list(range(-1, GRID, 10)),
        "showgrid": True,
        "gridcolor": "white",
        "zeroline": False,
    }
    layout["xaxis2"] |= {"range": [-0.5, GRID - 0.5], **one_hot}
    layout["yaxis2"] |= {"range": [GRID - 0.5, -19], **one_hot}
    fig = plain_figure(data, layout)
    return finish(fig, frames)


def _layout(presenter: bool, height: int, margin: dict) -> dict:
    """base_layout at a height in pixels (not scaled for presenter mode: the heights above are), with these margins."""
    return {**base_layout(presenter=presenter), "height": height, "margin": {**MARGIN[presenter], **margin}}


def hidden_heatmap(words: list[str], hidden: np.ndarray, colorbar: dict | None = None) -> dict:
    """Hidden state after each word, one row per unit, on the fixed -1..1 scale (``words`` escaped). (T, H) in; a
    heatmap trace as a dictionary."""
    seq_len, hidden_size = hidden.shape
    heatmap = {
        "type": "heatmap",
        "z": hidden.T,  # (H, T)
        "x": np.arange(seq_len),
        "y": np.arange(hidden_size),
        "zmin": -1,
        "zmax": 1,
        "zmid": 0,
        "colorscale": colorscale(DIVERGING),
        "showscale": colorbar is not None,
        "customdata": [list(words)] * hidden_size,  # (H, T)
        "hovertemplate": "unit %{y} after '%{customdata}': %{z:.3f}<extra></extra>",
        "name": "hidden",
    }
    return heatmap if colorbar is None else heatmap | {"colorbar": colorbar}


def h_colorbar(presenter: bool, domain: tuple[float, float]) -> dict:
    """The colour bar of the hidden state, beside the panel whose y domain is ``domain``."""
    size = FONT_SIZE[presenter]
    return {"title": {"text": "h", "font": {"size": size}}, "tickvals": [-1, 0, 1], "ticktext": ["−1", "0", "1"],
            "tickfont": {"size": size - 1}, "thickness": 14, "x": 1.01, "len": domain[1] - domain[0],
            "y": sum(domain) / 2}  # fmt: skip


def answer_state_figure(
    tokens: list[str],
    hidden: np.ndarray,
    probs: np.ndarray,
    classes: tuple[str, ...],
    presenter: bool = False,
    meta: dict | None = None,
) -> go.Figure:
    """The answer after each word (one line per class) over the hidden state after each word, on one word axis.

    Shapes: hidden (T, H) on [-1, 1], probs (T, C) on [0, 1]. layout.meta["answer"] holds P(positive) per word, for
    the player's overlay (the current answer's dot).
    """
    seq_len, hidden_size = hidden.shape
    words = escaped(tokens)
    size = FONT_SIZE[presenter]
    titles = ("3 · The answer after each word", "4 · Hidden state h after each word")
    layout = subplot_layout(titles, rows=2, title_size=size, shared_xaxes=True, row_heights=(0.4, 0.6), vertical_spacing=0.13)
    hover = [[t, w] for t, w in zip(range(1, seq_len + 1), words)]  # (T, 2) word number and word
    data = [
        {
            "type": "scatter",
            "x": np.arange(seq_len),
            "y": probs[:, k],
            "mode": "lines+markers",
            "name": class_label(name),
            "line": {"color": CLASS_COLORS[name], "width": 4 if presenter else 3},
            "marker": {"symbol": CLASS_MARKERS[name], "size": 11 if presenter else 8, "color": CLASS_COLORS[name]},
            "customdata": hover,
            "hovertemplate": f"P({name}) after word %{{customdata[0]}} '%{{customdata[1]}}': %{{y:.3f}}<extra></extra>",
            "showlegend": len(classes) > 1,
            "xaxis": "x",
            "yaxis": "y",
        }
        for k, name in enumerate(classes)
    ]
    data.append(hidden_heatmap(words, hidden, h_colorbar(presenter, layout["yaxis2"]["domain"])) | {"xaxis": "x2", "yaxis": "y2"})
    for label, marker in COLOUR_KEY:  # legend entries only, for both figures (this one is never redrawn by a frame)
        data.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": label,
                     "marker": {"size": 12, **marker}, "hoverinfo": "skip", "xaxis": "x", "yaxis": "y"})  # fmt: skip
    ticks = word_ticks(tokens, PLOT_PX[presenter], size - 1)
    layout |= _layout(presenter, ANSWER_STATE_HEIGHT[presenter], {"t": 2 * size + 34, "b": ticks["margin_px"] + 6})
    layout |= {
        "shapes": [hline(0.5, {"dash": "dot", "color": "#888"})],
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": size - 1},
            "itemclick": False,
            "itemdoubleclick": False,
            "title": {"text": "Colours:", "font": {"size": size - 1}},
        },
        "meta": {**(meta or {}), "height": ANSWER_STATE_HEIGHT[presenter], "answer": [round(float(p), 6) for p in probs[:, -1]]},
    }
    word_axis = {"range": [-0.5, seq_len - 0.5], "tickmode": "array", "tickvals": ticks["tickvals"], "showgrid": False}
    layout["xaxis"] |= word_axis
    layout["xaxis2"] |= word_axis | {"ticktext": ticks["ticktext"], "tickangle": ticks["tickangle"]}
    layout["yaxis"] |= {"range": [0, 1], "autorange": False, "tickvals": [0, 0.5, 1], "title": {"text": "P"}}
    layout["yaxis2"] |= {"title": {"text": "unit"}, "range": [-0.5, hidden_size - 0.5], "autorange": False}
    return plain_figure(data, readable_layout(layout, presenter))
