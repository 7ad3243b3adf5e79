"""Figures for the Hidden-state explorer: the state map with the reviews' paths, one unit along a review, all units.

Arrays in, Plotly figures out. Every word is HTML-escaped before it reaches a label or a hover (Plotly renders
some tags in text). Each figure is built in one go.Figure(data, layout) call: with Plotly 7, every later
update_layout or update_xaxes costs several milliseconds, and these figures are rebuilt for every new review. The
state map, with its 3,000 background points and a frame per word, is written as plain dictionaries (figures.plain)
and finished (figures.sent), so neither validation nor a deep copy per run touches the background.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from .plain import plain_figure
from .sent import finish
from .style import ACCENT, CLASS_COLORS, CLASS_MARKERS, FONT_SIZE, base_layout, class_label

# One colour, dash and text position per review on the map (Okabe-Ito colours not used for the classes).
PATH_STYLE = (
    {"color": "#000000", "dash": "solid", "textposition": "top center"},
    {"color": "#009E73", "dash": "dash", "textposition": "bottom center"},
)
ANSWER_SCALE = [[0, CLASS_COLORS["negative"]], [0.5, "#f2f2f2"], [1, CLASS_COLORS["positive"]]]  # P(positive) 0..1
GATE_STYLE = {  # sigmoid gates on [0, 1]: colour and dash, so colour is never the only cue
    "input": ("#E69F00", "solid"),
    "forget": ("#56B4E9", "dash"),
    "output": ("#CC79A7", "dot"),
    "reset": ("#E69F00", "solid"),
    "update": ("#56B4E9", "dash"),
}
ATLAS_COLUMNS = 8  # small multiples per row: 64 units in an 8 x 8 grid


def _answer_text(probs: np.ndarray, classes: tuple[str, ...]) -> str:
    if len(classes) == 1:
        return f"P(positive) {probs[0]:.3f}"
    return " · ".join(f"{name} {p:.3f}" for name, p in zip(classes, probs))


def _short(text: str, limit: int = 48) -> str:
    """A review as a legend entry: escaped, cut to ``limit`` characters."""
    return html.escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _word_ticks(words: list[str], max_labels: int = 40) -> dict:
    """Numbered word labels (1. not, 2. good, ...), thinned for long reviews so they never overlap."""
    every = max(1, int(np.ceil(len(words) / max_labels)))
    vals = list(range(1, len(words) + 1, every))
    return {"tickmode": "array", "tickvals": vals, "ticktext": [f"{i}. {words[i - 1]}" for i in vals], "tickangle": -45}


def _axis(presenter: bool, title: str = "", **extra) -> dict:
    """An axis with tick labels and title at the figure's font size (what style.readable_axes sets afterwards)."""
    size = FONT_SIZE[presenter]
    return {"tickfont": {"size": size - 1}, "title": {"text": title, "font": {"size": size}}, **extra}


def _background(xy: np.ndarray, probs: np.ndarray, kinds: np.ndarray, words: list[str], classes: tuple) -> list[dict]:
    """The sampled training states: coloured by P(positive) (one output) or by class with its symbol (three)."""
    hover = (
        "after “%{text}”: "
        + " · ".join(f"{'P(positive)' if len(classes) == 1 else name} %{{customdata[{k}]:.3f}}" for k, name in enumerate(classes))
        + "<extra></extra>"
    )
    common = {"type": "scatter", "mode": "markers", "hovertemplate": hover}
    if len(classes) == 1:
        return [{"x": xy[:, 0], "y": xy[:, 1], "text": list(words), "customdata": probs, "name": "training states",
                 "showlegend": False, **common,
                 "marker": {"size": 5, "opacity": 0.5, "color": probs[:, 0], "cmin": 0, "cmax": 1, "colorscale": ANSWER_SCALE,
                            "colorbar": {"title": {"text": "P(positive)", "side": "right"}, "thickness": 12, "len": 0.6,
                                         "tickvals": [0, 0.5, 1]}}}]  # fmt: skip
    out = []
    for k, name in enumerate(classes):
        mine = np.flatnonzero(kinds == k)
        out.append({"x": xy[mine, 0], "y": xy[mine, 1], "text": [words[i] for i in mine], "customdata": probs[mine], **common,
                    "name": f"training states: {class_label(name)}",
                    "marker": {"size": 6, "opacity": 0.45, "color": CLASS_COLORS[name], "symbol": CLASS_MARKERS[name]}})  # fmt: skip
    return out


def _path(k: int, words: list[str], path: np.ndarray, probs: np.ndarray, classes: tuple, name: str, presenter: bool) -> dict:
    """Review k's whole path: h_0, then one arrow per word, each point labelled and with its answer in the hover.

    The animation frames carry only x and y (the first points of the path): labels, hovers and symbols belong to
    points by index, so this trace's serve every frame, and the frames stay small and quick to build.
    """
    style = PATH_STYLE[k % len(PATH_STYLE)]
    hover = [f"h₀ = 0: {_answer_text(probs[0], classes)} before any word"] + [
        f"after “{w}” (word {i + 1}): {_answer_text(probs[i + 1], classes)}" for i, w in enumerate(words)
    ]
    return {"type": "scatter", "x": path[:, 0], "y": path[:, 1], "text": ["h₀" if k == 0 else ""] + words, "hovertext": hover,
            "hoverinfo": "text", "mode": "lines+markers+text", "name": _short(name), "cliponaxis": False,
            "textposition": style["textposition"], "textfont": {"size": FONT_SIZE[presenter] + 1, "color": style["color"]},
            "line": {"color": style["color"], "width": 3, "dash": style["dash"]},
            "marker": {"symbol": ["circle"] + ["arrow"] * len(words), "size": 16 if presenter else 13, "angleref": "previous",
                       "color": style["color"], "line": {"width": 1, "color": "#fff"}}}  # fmt: skip


def background_traces(
    sample_xy: np.ndarray, sample_probs: np.ndarray, sample_classes: np.ndarray, sample_words: list[str], classes: tuple[str, ...]
) -> list[dict]:  # fmt: skip
    """The state map's background, for state_map_figure (build it once per model: it does not change with the review).

    Shapes: sample_xy (N, 2), sample_probs (N, C), sample_classes (N,); sample_words: the word just read at each.
    """
    return _background(sample_xy, sample_probs, sample_classes, [html.escape(w) for w in sample_words], classes)


def state_map_figure(
    words: list[list[str]],
    paths: list[np.ndarray],
    probs: list[np.ndarray],
    names: list[str],
    background: list[dict],
    explained: np.ndarray,
    classes: tuple[str, ...],
    zoom: bool = False,
    presenter: bool = False,
) -> go.Figure:
    """The state map: training states in the background, each review's path h_0 -> h_T on top, animated word by word.

    Shapes: per review, paths (T + 1, 2) from h_0 and probs (T + 1, C) (the answer before any word first);
    background from background_traces; explained (2,) the share of variance of each axis. The figure opens on the
    whole paths; Play draws them again from the first word. ``zoom``: the axes fit the paths rather than the
    whole sample (fixed either way, so the animation never rescales).
    """
    words = [[html.escape(w) for w in ws] for ws in words]
    steps = max(len(ws) for ws in words)
    size = FONT_SIZE[presenter]
    data = list(background) + [
        _path(k, ws, path, p, classes, name, presenter) for k, (ws, path, p, name) in enumerate(zip(words, paths, probs, names))
    ]
    animated = list(range(len(background), len(data)))
    frames = [
        {"name": str(t), "traces": animated,
         "data": [{"type": "scatter", "x": path[: min(t, len(ws) - 1) + 2, 0], "y": path[: min(t, len(ws) - 1) + 2, 1]}
                  for ws, path in zip(words, paths)]}
        for t in range(steps)
    ]  # fmt: skip
    shown = np.concatenate(list(paths) + ([] if zoom else [np.c_[d["x"], d["y"]] for d in background]))  # (points in view, 2)
    low, high = shown.min(axis=0), shown.max(axis=0)
    pad = np.maximum((high - low) * (0.15 if zoom else 0.06), 0.05)
    axes = [_axis(presenter, f"axis {i + 1}: {explained[i]:.0%} of the variance", range=[low[i] - pad[i], high[i] + pad[i]],
                  autorange=False, zeroline=False, showgrid=False) for i in range(2)]  # fmt: skip
    play = {
        "frame": {"duration": 800, "redraw": False},
        "transition": {"duration": 300},
        "fromcurrent": False,
        "mode": "immediate",
    }
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    layout = {
        **base_layout(height=620, presenter=presenter, margin={"l": 70, "r": 20, "t": 70, "b": 110}),
        "xaxis": axes[0], "yaxis": axes[1], "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.13, "yanchor": "top", "font": {"size": size}},
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom",
                         "showactive": False, "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, play]},
                                                          {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]}]}],
        "sliders": [{"active": steps - 1, "x": 0.32, "len": 0.62, "y": 1.02, "yanchor": "bottom", "pad": {"t": 0, "b": 0},
                     "currentvalue": {"prefix": "after word ", "font": {"size": size + 1}},
                     "steps": [{"label": str(t + 1), "method": "animate", "args": [[str(t)], still]} for t in range(steps)]}],
    }  # fmt: skip
    return finish(plain_figure(data, layout), frames)  # frames as they are: validating them was most of the build


def unit_figure(
    words: list[str],
    unit: int,
    hidden: np.ndarray,
    gates: dict[str, np.ndarray] | None = None,
    candidate: np.ndarray | None = None,
    memory: np.ndarray | None = None,
    presenter: bool = False,
) -> go.Figure:
    """One unit along a review: its h_t on [-1, 1]; for LSTM and GRU its gates on [0, 1] below, on the same x axis.

    Shapes: hidden (T,) the unit's h after each word; gates name -> (T,) sigmoid gates; candidate (T,) the tanh
    candidate (LSTM g_t, GRU n_t); memory (T,) the LSTM's cell c_t (in the hover: it is not bounded).
    """
    words = np.array([html.escape(w) for w in words], dtype=object)
    gates = gates or {}
    size = FONT_SIZE[presenter]
    xs = np.arange(1, len(words) + 1)
    hover = "unit %{customdata[0]}%{meta} after “%{text}”: %{y:+.3f}<extra></extra>"
    common = {"x": xs, "text": words, "customdata": np.full((len(words), 1), unit), "hovertemplate": hover}
    h_hover = hover if memory is None else hover.replace("<extra>", " (memory cell c = %{customdata[1]:+.3f})<extra>")
    data = [go.Scatter(common, y=hidden, mode="lines+markers", name=f"h (unit {unit})", line={"color": "#000", "width": 3},
                       marker={"size": 8}, meta="", hovertemplate=h_hover,
                       customdata=np.c_[np.full(len(words), unit), memory] if memory is not None else common["customdata"])]  # fmt: skip
    if candidate is not None:
        data.append(go.Scatter(common, y=candidate, mode="lines", name="candidate (tanh)", meta="'s candidate",
                               line={"color": "#777", "width": 2, "dash": "dot"}))  # fmt: skip
    for name, values in gates.items():
        color, dash = GATE_STYLE.get(name, ("#555", "solid"))
        data.append(go.Scatter(common, y=values, yaxis="y2", mode="lines+markers", name=f"{name} gate", meta=f"'s {name} gate",
                               line={"color": color, "width": 2.5, "dash": dash}, marker={"size": 6}))  # fmt: skip
    top = [0.45, 1.0] if gates else [0.0, 1.0]
    titles = [(f"unit {unit}: h_t after each word", top[1])] + ([(f"unit {unit}: its gates", 0.33)] if gates else [])
    layout = {
        **base_layout(height=420 if gates else 300, presenter=presenter, margin={"l": 60, "r": 20, "t": 40, "b": 90}),
        "xaxis": _axis(presenter, range=[0.5, len(words) + 0.5], autorange=False, anchor="y2" if gates else "y", **_word_ticks(list(words))),
        "yaxis": _axis(presenter, "h_t", domain=top, range=[-1.05, 1.05], autorange=False, tickvals=[-1, -0.5, 0, 0.5, 1],
                       zeroline=True, zerolinecolor="#999"),
        "annotations": [{"text": t, "x": 0.5, "y": y, "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                         "showarrow": False, "font": {"size": size + 1}} for t, y in titles],
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.08, "yanchor": "bottom", "font": {"size": size}},
        "hovermode": "closest",
    }  # fmt: skip
    if gates:
        layout["yaxis2"] = _axis(
            presenter, "gate", domain=[0.0, 0.33], range=[-0.03, 1.03], autorange=False, tickvals=[0, 0.5, 1]
        )
    return go.Figure(data, layout=layout)


def _cell_origins(count: int, columns: int) -> np.ndarray:
    """Bottom-left corners of small multiples 0..count-1: one unit wide, 1.4 units apart vertically. (count, 2)"""
    j = np.arange(count)
    return np.stack([j % columns, -1.4 * (j // columns)], axis=1).astype(float)


def _gapped(points: np.ndarray) -> np.ndarray:
    """(K, P) coordinates as one line per row, rows separated by a NaN (a gap in the line). (K * (P + 1),)"""
    return np.concatenate([points, np.full((len(points), 1), np.nan)], axis=1).ravel()


def unit_atlas_figure(
    words: list[str], hidden: np.ndarray, order: np.ndarray, direction: np.ndarray, selected: int | None = None,
    presenter: bool = False,
) -> go.Figure:  # fmt: skip
    """Every unit's h_t along the review as small multiples, in ``order`` (largest |W_hy| first).

    Shapes: hidden (T, H) on [-1, 1]; order (H,) unit indices; direction (H,) each unit's weight towards "positive"
    (its sign colours the line: a unit that pushes towards positive while above 0 is drawn in the positive colour).
    Each point's customdata starts with its unit, so a click on a line can select the unit.
    """
    seq_len, hidden_size = hidden.shape
    order = np.asarray(order)
    columns = min(ATLAS_COLUMNS, hidden_size)
    corner = _cell_origins(hidden_size, columns)  # (H, 2), cell j shows unit order[j]
    t = np.linspace(0.08, 0.92, seq_len) if seq_len > 1 else np.array([0.5])  # (T,) x inside a cell
    grey = {"mode": "lines", "hoverinfo": "skip", "showlegend": False}
    box_x = corner[:, :1] + np.array([0.02, 0.98, 0.98, 0.02, 0.02])  # (H, 5)
    box_y = corner[:, 1:] + np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    data = [go.Scatter(x=_gapped(box_x), y=_gapped(box_y), line={"color": "#bbb", "width": 1}, **grey),
            go.Scatter(x=_gapped(box_x[:, :2]), y=_gapped(corner[:, 1:] + np.array([0.5, 0.5])),
                       line={"color": "#ddd", "width": 1, "dash": "dot"}, **grey)]  # fmt: skip
    text = np.array([html.escape(w) for w in words] + [""], dtype=object)
    for positive in (True, False):
        cells = np.flatnonzero((direction[order] >= 0) == positive)  # (K,)
        if not len(cells):
            continue
        units = order[cells]
        steps = np.broadcast_to(np.arange(seq_len + 1) + 1, (len(cells), seq_len + 1))
        values = np.c_[hidden[:, units].T, np.zeros(len(cells))]  # (K, T + 1)
        custom = np.stack([np.repeat(units, seq_len + 1), steps.ravel(), values.ravel()], axis=1)  # (K * (T + 1), 3)
        color = CLASS_COLORS["positive" if positive else "negative"]
        data.append(go.Scatter(x=_gapped(corner[cells, :1] + t), y=_gapped(corner[cells, 1:] + 0.5 + 0.45 * hidden[:, units].T),
            customdata=custom, text=np.tile(text, len(cells)), mode="lines+markers", line={"color": color, "width": 2},
            name="pushes towards " + ("positive" if positive else "negative") + " while above 0",
            hovertemplate="unit %{customdata[0]} after “%{text}” (word %{customdata[1]}): %{customdata[2]:+.3f}<extra></extra>",
            marker={"size": 3 if seq_len > 20 else 5, "color": color},
            selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}))  # fmt: skip
    size = FONT_SIZE[presenter]
    data.append(go.Scatter(x=corner[:, 0] + 0.04, y=corner[:, 1] + 1.12, text=[f"unit {u} · W {direction[u]:+.2f}" for u in order],
                           mode="text", textposition="middle right", hoverinfo="skip", textfont={"size": size - 2}, showlegend=False))  # fmt: skip
    if selected is not None and selected in order:
        x0, y0 = corner[int(np.flatnonzero(order == selected)[0])]
        data.append(go.Scatter(x=[x0, x0 + 1, x0 + 1, x0, x0], y=[y0 - 0.06, y0 - 0.06, y0 + 1.3, y0 + 1.3, y0 - 0.06],
                               line={"color": ACCENT, "width": 3}, name=f"unit {selected} (inspected)", **{**grey, "showlegend": True}))  # fmt: skip
    rows = -(-hidden_size // columns)
    layout = {
        **base_layout(height=70 + 92 * rows, presenter=presenter, margin={"l": 10, "r": 10, "t": 30, "b": 10}),
        "xaxis": {"visible": False, "range": [-0.02, columns + 0.02], "autorange": False},
        "yaxis": {"visible": False, "range": [-1.4 * (rows - 1) - 0.1, 1.35], "autorange": False},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": size}},
        "hovermode": "closest", "clickmode": "event+select", "dragmode": False,
    }  # fmt: skip
    return go.Figure(data, layout=layout)
