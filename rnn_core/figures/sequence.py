"""Figures for the Word-by-word page: arrays in, Plotly figures out.

One figure holds the four views (unrolled network, hidden-state heatmap,
answer after each word, one-hot vector), animated together by Plotly frames,
one frame per word, so Play and the step slider run in the browser.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import ACCENT, CLASS_COLORS, CLASS_MARKERS, DIVERGING, base_layout, class_label, readable_axes

GRID = 100  # the one-hot vector drawn as a 100 x 100 grid: 10,000 cells, one lit
WINDOW = 12  # words visible at once in the unrolled network


def _cover(t: int, seq_len: int, height: float) -> tuple[list, list]:
    """A rectangle over the words not yet read (after step t)."""
    x0, x1 = t + 0.5, seq_len - 0.5 + 1e-3
    return [x0, x1, x1, x0, x0], [-0.5, -0.5, height - 0.5, height - 0.5, -0.5]


def _window(t: int, seq_len: int) -> list[float]:
    start = min(max(0, t - WINDOW // 2), max(0, seq_len - WINDOW))
    return [start - 0.6, start + WINDOW - 0.4]


def _step_traces(t: int, tokens: list[str], probs: np.ndarray, classes: tuple, ids: list[int], hidden_size: int) -> list[dict]:
    """The traces that change from frame to frame: the current cell's box, the cover over the words not read yet,
    one answer curve per class, the current answer's dot and the lit one-hot cell (frame ``traces`` in this order).

    Plain dicts, not go.Scatter: Plotly validates every frame's traces anyway, and building objects first
    doubled the work (the figure builds in half the time; the page reruns on every interaction).
    """
    seq_len = len(tokens)
    cx, cy = _cover(t, seq_len, hidden_size)
    steps = list(range(t + 1))
    row, col = divmod(ids[t], GRID)
    traces = [
        {
            "type": "scatter",
            "x": [t],
            "y": [0],
            "mode": "markers",
            "marker": {"size": 46, "symbol": "square-open", "color": ACCENT, "line": {"width": 5}},
        },
        {
            "type": "scatter",
            "x": cx,
            "y": cy,
            "fill": "toself",
            "mode": "lines",
            "line": {"width": 0},
            "fillcolor": "#ffffff",  # the words not read yet: blank, so the heatmap fills in word by word
            "hoverinfo": "skip",
        },
    ]
    for k in range(len(classes)):
        traces.append({"type": "scatter", "x": steps, "y": probs[: t + 1, k]})
    traces.append({"type": "scatter", "x": [t], "y": [probs[t, -1]]})
    traces.append(
        {
            "type": "scatter",
            "x": [col],
            "y": [row],
            "text": [f"{tokens[t]} · index {ids[t]}"],
            "textposition": "middle right" if col < GRID // 2 else "middle left",
        }
    )
    return traces


def word_by_word_figure(
    tokens: list[str],
    ids: list[int],
    hidden: np.ndarray,
    probs: np.ndarray,
    classes: tuple[str, ...],
    step: int = 0,
    presenter: bool = False,
) -> go.Figure:
    """The four animated views for one trace; the figure opens at ``step``.

    Shapes: hidden (T, H) on [-1, 1], probs (T, C) on [0, 1].
    """
    seq_len, hidden_size = hidden.shape
    step = int(np.clip(step, 0, seq_len - 1))
    labels = [f"{i + 1}. {w}" for i, w in enumerate(tokens)]
    fig = make_subplots(
        rows=3,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}], [{"colspan": 2}, None]],
        row_heights=[0.2, 0.46, 0.34],
        vertical_spacing=0.14,
        horizontal_spacing=0.14,
        subplot_titles=(
            "1 · The unrolled network",
            "2 · Hidden state h_t",
            "3 · The answer after each word (probability)",
            "4 · x_t: the word as a one-hot vector",
        ),
    )
    xs = np.arange(seq_len)
    answer = probs[:, -1]  # P(positive): the last class in every head
    # 1. Unrolled network: one cell per word; hover tells the word, index and answer.
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=np.zeros(seq_len),
            mode="lines+markers+text",
            text=[f"x{i + 1}" for i in xs],
            textposition="bottom center",
            marker={
                "size": 34,
                "symbol": "square",
                "color": answer,
                "cmin": 0,
                "cmax": 1,
                "colorscale": [[0, CLASS_COLORS["negative"]], [0.5, "#f2f2f2"], [1, CLASS_COLORS["positive"]]],
                "line": {"width": 1, "color": "#333"},
            },
            line={"color": "#555", "width": 3},
            customdata=np.stack([tokens, ids, answer], axis=1),
            hovertemplate="step %{x}: '%{customdata[0]}' (index %{customdata[1]})<br>h passed to the right; P(positive) here: %{customdata[2]:.3f}<extra></extra>",
            name="cells",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=np.where(xs % 2 == 0, 0.9, 1.55),  # every other word one line higher: long neighbours never touch
            mode="text",
            text=tokens,
            textfont={"size": 18 if presenter else 13},
            hoverinfo="skip",
            name="words",
        ),
        row=1,
        col=1,
    )
    # 2. Hidden state heatmap (units x words), fixed [-1, 1] diverging scale.
    fig.add_trace(
        go.Heatmap(
            z=hidden.T,
            x=xs,
            y=np.arange(hidden_size),
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale=DIVERGING,
            colorbar={
                "title": "h",
                "len": 0.36,
                "y": 0.56,
                "x": 0.435,
                "xanchor": "left",
                "thickness": 10,
                "tickvals": [-1, 0, 1],
            },
            customdata=np.tile(np.array(tokens, dtype=object), (hidden_size, 1)),
            hovertemplate="unit %{y} after '%{customdata}': %{z:.3f}<extra></extra>",
            name="hidden",
        ),
        row=2,
        col=1,
    )
    # 3. Answer after each word, 4. one-hot grid: static parts.
    fig.add_hline(y=0.5, line={"dash": "dot", "color": "#888"}, row=2, col=2, exclude_empty_subplots=False)  # no trace there yet
    grid_z = np.zeros((GRID, GRID), dtype=np.uint8)  # one byte a cell: 13 kB in the page instead of 107 kB
    fig.add_trace(
        go.Heatmap(
            z=grid_z,
            zmin=0,
            zmax=1,
            colorscale=[[0, "#f4f4f4"], [1, "#f4f4f4"]],
            showscale=False,
            hoverinfo="skip",
            xgap=0.3,
            ygap=0.3,
        ),
        row=3,
        col=1,
    )
    animated = _step_traces(step, tokens, probs, classes, ids, hidden_size)
    rows_cols = [(1, 1), (2, 1)] + [(2, 2)] * (len(classes) + 1) + [(3, 1)]
    for trace, (r, c) in zip(animated, rows_cols):
        fig.add_trace(trace, row=r, col=c)
    first_animated = len(fig.data) - len(animated)
    _style_animated(fig, first_animated, classes, presenter)
    # The heatmaps are named in every frame (with nothing to change) so that a redraw keeps them.
    heatmaps = [i for i, trace in enumerate(fig.data) if trace.type == "heatmap"]
    stubs = [{"type": "heatmap", "visible": True} for _ in heatmaps]
    fig.frames = [  # plain dicts: the frames setter validates them once (go.Frame would validate twice)
        {
            "name": str(t),
            "data": _step_traces(t, tokens, probs, classes, ids, hidden_size) + stubs,
            "traces": list(range(first_animated, len(fig.data))) + heatmaps,
            "layout": {"xaxis": {"range": _window(t, seq_len)}},
        }
        for t in range(seq_len)
    ]
    class_names = {class_label(c) for c in classes}
    for trace in fig.data:
        trace.showlegend = len(classes) > 1 and trace.name in class_names
    _axes(fig, labels, seq_len, hidden_size, step)
    _controls(fig, seq_len, tokens, step, presenter)
    return readable_axes(fig, presenter)


def _style_animated(fig: go.Figure, first: int, classes: tuple, presenter: bool) -> None:
    n = len(classes)
    for k, name in enumerate(classes):
        fig.data[first + 2 + k].update(
            mode="lines+markers",
            name=class_label(name),
            line={"color": CLASS_COLORS[name], "width": 4 if presenter else 3},
            marker={"symbol": CLASS_MARKERS[name], "size": 9},
            hovertemplate=f"P({name}) after word %{{x}}: %{{y:.3f}}<extra></extra>",
            showlegend=n > 1,
        )
    fig.data[first + 2 + n].update(
        mode="markers",
        marker={"size": 16, "color": ACCENT, "line": {"width": 2, "color": "#333"}},
        hoverinfo="skip",
        showlegend=False,
    )
    fig.data[first + 3 + n].update(
        mode="markers+text",
        marker={"size": 14, "color": "#000", "symbol": "square"},
        cliponaxis=False,  # the label of a word in the top row stays whole
        textfont={"size": 16 if presenter else 12},
        hovertemplate="x_t = 1 at %{text}; the other 9,999 entries are 0<extra></extra>",
    )
    for i in (first, first + 1):
        fig.data[i].update(showlegend=False)
    fig.data[first].update(hoverinfo="skip")


def _axes(fig: go.Figure, labels: list[str], seq_len: int, hidden_size: int, step: int) -> None:
    ticks = dict(tickmode="array", tickvals=list(range(seq_len)), ticktext=labels)
    fig.update_xaxes(range=_window(step, seq_len), visible=False, row=1, col=1)
    fig.update_yaxes(range=[-1.2, 1.9], visible=False, row=1, col=1)  # x_t labels below the cells, words above
    fig.update_xaxes(range=[-0.5, seq_len - 0.5], **ticks, tickangle=-45, row=2, col=1)
    fig.update_yaxes(title_text="hidden unit", range=[-0.5, hidden_size - 0.5], autorange=False, row=2, col=1)
    fig.update_xaxes(range=[-0.5, seq_len - 0.5], **ticks, tickangle=-45, row=2, col=2)
    fig.update_yaxes(range=[0, 1], autorange=False, row=2, col=2)
    fig.update_xaxes(title_text=f"dictionary index mod {GRID}", range=[-0.5, GRID - 0.5], row=3, col=1)
    fig.update_yaxes(title_text=f"index ÷ {GRID}", range=[GRID - 0.5, -0.5], autorange=False, row=3, col=1)


def _controls(fig: go.Figure, seq_len: int, tokens: list[str], step: int, presenter: bool) -> None:
    play = {"frame": {"duration": 900, "redraw": True}, "transition": {"duration": 250}, "fromcurrent": True, "mode": "immediate"}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    fig.update_layout(
        **base_layout(height=900, presenter=presenter),
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 0.76, "yanchor": "bottom"},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": 1.09,
                "xanchor": "left",
                "showactive": False,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        sliders=[
            {
                "active": step,
                "x": 0.2,
                "len": 0.72,  # room at the right for half of the last word's label
                "y": 1.12,
                "yanchor": "bottom",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "word ", "font": {"size": 18 if presenter else 14}},
                "steps": [
                    {
                        "label": f"{t + 1}: {w}",
                        "method": "animate",
                        "args": [
                            [str(t)],
                            {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}},
                        ],
                    }
                    for t, w in enumerate(tokens)
                ],
            }
        ],
    )
    fig.update_layout(margin={"t": 110})


def token_deltas(probs: np.ndarray, start_prob: float) -> np.ndarray:
    """How much each word moved P(positive): p_t - p_{t-1}, with p_0 the answer before any word. (T,)"""
    answer = probs[:, -1]  # (T,)
    return np.diff(np.concatenate([[start_prob], answer]))
