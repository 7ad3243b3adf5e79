"""Figures for the Vanishing-gradients page: arrays in, Plotly figures out.

Influence and state-dependence values span many powers of ten, so colours and the decay
plot use log scales with fixed ranges; hover always gives the raw value.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .plain import colorscale, hline, plain_figure, readable_layout
from .style import FONT_SIZE, SEQUENTIAL, base_layout, readable_axes

LOG_FLOOR = -6  # colour scales end at one millionth (10^-6); smaller values get the darkest colour
TRIANGLE_TOP = 1  # state dependence can exceed 1 (a step may stretch a nudge); the scale allows up to 10
# Okabe-Ito colours not used for the classes, plus a symbol and a dash per cell, so colour is never the only cue.
CELL_STYLE = {
    "RNN": {"color": "#E69F00", "symbol": "circle", "dash": "solid"},
    "LSTM": {"color": "#009E73", "symbol": "square", "dash": "dash"},
    "GRU": {"color": "#56B4E9", "symbol": "diamond", "dash": "dot"},
}
BAR_COLORS = ("#c8c8c8", "#969696", "#646464", "#323232", "#000000")  # shorter reviews lighter, longer darker
# Every other length hatched, so neighbouring greys differ by more than shade: thin white lines over the bar's own
# grey (not grey lines on white), so the percentage inside keeps the contrast Plotly picks for that grey.
HATCH = {"shape": "/", "fillmode": "overlay", "fgcolor": "#ffffff", "solidity": 0.25}


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k: int) -> str:
    """1, 10, 10², 10⁻⁴: one style for every tick of a log colour scale."""
    return {0: "1", 1: "10"}.get(k, "10" + str(k).translate(SUPERSCRIPT))


def _log_colorbar(low: int, high: int, title: str) -> dict:
    """Log colour scale labelled every other decade when it spans more than four, title beside the bar (a word a
    line: on a short chart one line ran past the bar's top, under the chart's tool icons)."""
    step = 2 if high - low > 4 else 1
    ticks = [k for k in range(low, high + 1) if k % step == 0]  # 1 is always labelled
    return {
        "title": {"text": "<br>".join(title.split()), "side": "right"},
        "tickvals": ticks,
        "ticktext": [power_of_ten(k) for k in ticks],
        "thickness": 12,
    }


def _word_ticks(tokens: list[str], max_labels: int = 40) -> dict:
    """Numbered word labels on a numeric axis counting words from 1 (repeated words stay apart); thinned for long reviews."""
    every = max(1, int(np.ceil(len(tokens) / max_labels)))
    vals = list(range(1, len(tokens) + 1, every))
    return {"tickmode": "array", "tickvals": vals, "ticktext": [f"{i}. {tokens[i - 1]}" for i in vals], "tickangle": -45}


def influence_heatmap(tokens: list[str], rows: dict[str, np.ndarray], presenter: bool = False) -> go.Figure:
    """Rows = cells, columns = words; colour = log10 of each row's influence over its largest (so its top is 1).

    Shapes: every row (T,) of raw influence ||dz_T / du_t||; customdata holds [raw, relative] per cell.
    """
    labels = list(rows)
    raw = np.stack([np.asarray(rows[k], dtype=float) for k in labels])  # (R, T)
    relative = raw / np.maximum(raw.max(axis=1, keepdims=True), 1e-300)  # (R, T) each row's largest = 1
    z = np.log10(np.clip(relative, 10.0**LOG_FLOOR, None))  # (R, T)
    seq_len = raw.shape[1]
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": np.arange(1, seq_len + 1),
        "y": labels,
        "zmin": LOG_FLOOR,
        "zmax": 0,
        "colorscale": colorscale(SEQUENTIAL),
        "colorbar": _log_colorbar(LOG_FLOOR, 0, "relative influence"),
        "customdata": np.stack([raw, relative], axis=-1),  # (R, T, 2)
        "text": [list(tokens)] * len(labels),
        "hovertemplate": "%{y}, word %{x} '%{text}'<br>influence on the final answer: %{customdata[0]:.3g}"
        "<br>relative to this row's strongest word: %{customdata[1]:.3g}<extra></extra>",
        "xgap": 1,
        "ygap": 2,
    }
    layout = base_layout(height=150 + 45 * len(labels), presenter=presenter, margin={"l": 60, "r": 20, "t": 20, "b": 90})
    layout |= {
        "xaxis": {"title": {"text": "word (position in the review)"}, "range": [0.5, seq_len + 0.5], **_word_ticks(tokens)},
        "yaxis": {"autorange": "reversed"},
    }
    return plain_figure([heatmap], readable_layout(layout, presenter))


def state_triangle(tokens: list[str], matrix: np.ndarray, label: str, first: int = 0, presenter: bool = False) -> go.Figure:
    """M[s, t] = ||dh_s / dstate_t||_F / sqrt(H) as a lower triangle: row s (state after word s), column t.

    Shapes: tokens (W,) and matrix (W, W) for words first+1 .. first+W, NaN above the diagonal (a state
    never depends on later words). Axes are the numbered words, so hover names both; customdata is M.
    """
    size = matrix.shape[0]
    words = [f"{first + i + 1}. {w}" for i, w in enumerate(tokens)]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log10(np.clip(matrix, 10.0**LOG_FLOOR, None))  # (W, W), NaN stays NaN
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": words,
        "y": words,
        "zmin": LOG_FLOOR,
        "zmax": TRIANGLE_TOP,
        "colorscale": colorscale(SEQUENTIAL),
        "colorbar": _log_colorbar(LOG_FLOOR, TRIANGLE_TOP, "dependence"),
        "customdata": matrix,
        "hovertemplate": f"{label}: h after word %{{y}}<br>still depends on word %{{x}} by %{{customdata:.3g}}<extra></extra>",
        "hoverongaps": False,
    }
    every = max(1, int(np.ceil(size / 30)))
    ticks = {"tickmode": "array", "tickvals": words[::every], "ticktext": words[::every]}
    layout = base_layout(height=520, presenter=presenter, margin={"l": 120, "r": 20, "t": 20, "b": 120})
    layout |= {
        "xaxis": {"title": {"text": "t: the earlier word"}, "tickangle": -45, **ticks},
        "yaxis": {"title": {"text": "s: hidden state after word s"}, "autorange": "reversed", **ticks},
    }
    return plain_figure([heatmap], readable_layout(layout, presenter))


def first_word_figure(left: dict[str, dict[int, float]], first_word: str, presenter: bool = False) -> go.Figure:
    """Grouped bars: for each cell, the share of the first word's influence left after N words (one bar per N).

    ``left`` maps a cell label to {N: fraction}, fraction = ||dz_N/du_1|| / ||dz_1/du_1||.
    """
    labels = list(left)
    lengths = sorted({n for v in left.values() for n in v})
    data = []
    for k, n in enumerate(lengths):
        values = [left[c].get(n, np.nan) * 100 for c in labels]
        data.append(
            {
                "type": "bar",
                "x": labels,
                "y": values,
                "name": f"{n}-word review",
                "marker": {"color": BAR_COLORS[k % len(BAR_COLORS)], "pattern": HATCH if k % 2 else {"shape": ""}},
                "text": [f"{v:.0f}%" for v in values],
                "textposition": "auto",  # inside the bar (neighbours never overlap); above a bar too short to hold it
                "insidetextanchor": "end",
                "textangle": 0,
                "customdata": [first_word] * len(labels),
                "hovertemplate": f"%{{x}}, {n}-word review: %{{y:.1f}}% of the influence of '%{{customdata}}' left<extra></extra>",
            }
        )
    top = max(125.0, 1.15 * np.nanmax([v * 100 for d in left.values() for v in d.values()] or [0]))
    hundred = {"dash": "dot", "color": "#555", "width": 2}
    # Named in the legend rather than on the chart, where a label would cover the bars.
    data.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": hundred,
                 "name": "100% = as strong as alone", "hoverinfo": "skip"})  # fmt: skip
    layout = base_layout(height=360, presenter=presenter) | {
        "shapes": [hline(100, hundred) | {"layer": "below"}],  # behind the bars, so bars above 100% stay whole
        "barmode": "group",
        "legend": {"orientation": "h", "y": 1.08, "x": 0, "xanchor": "left"},  # clear of the chart's tool icons (right)
        # Every label at one size that a room can read; one that does not fit its bar at that size is left to the hover
        # (the smallest fitting size, the rule before, shrank every label to what the shortest bar could hold).
        "uniformtext": {"minsize": FONT_SIZE[presenter] - 2, "mode": "hide"},
        "yaxis": {"title": {"text": "% of its influence left"}, "range": [0, top]},
    }
    return plain_figure(data, readable_layout(layout, presenter))


def decay_figure(curves: dict[str, np.ndarray], presenter: bool = False) -> go.Figure:
    """Mean influence by distance from the end (0 = last word), relative to the last word; one line per cell, log y.

    Shapes: every curve (N,) of raw mean influence, index d = distance from the end.
    """
    fig = go.Figure()
    logs = []
    for label, curve in curves.items():
        curve = np.asarray(curve, dtype=float)
        relative = curve / curve[0]  # (N,) the last word = 1
        logs.extend(np.log10(relative[relative > 0]))
        style = CELL_STYLE.get(label.split(" ")[0].rstrip(","), {"color": "#333", "symbol": "circle", "dash": "solid"})
        faded = label.endswith("untrained")  # the weights before training: thin, open markers, beside the trained line
        fig.add_scatter(
            x=np.arange(len(curve)),
            y=relative,
            name=label,
            mode="lines+markers",
            opacity=0.55 if faded else 1.0,
            line={"color": style["color"], "dash": style["dash"], "width": 1.5 if faded else 3},
            marker={"symbol": style["symbol"] + ("-open" if faded else ""), "size": 7},
            customdata=curve,
            hovertemplate=f"{label}, %{{x}} words before the end: %{{y:.3g}} × the last word's"
            "<br>(mean influence %{customdata:.3g})<extra></extra>",
        )
    low = min(-2, int(np.floor(min(logs, default=0))))
    high = max(1, int(np.ceil(max(logs, default=0))))
    fig.update_layout(
        **base_layout(height=380, presenter=presenter), legend={"orientation": "h", "y": 1.08, "x": 0, "xanchor": "left"}
    )
    fig.update_xaxes(title_text="distance from the end (0 = the last word)")
    fig.update_yaxes(
        title_text="influence relative to the last word",
        type="log",
        range=[low, high],
        dtick=1 if high - low <= 8 else 2,
        exponentformat="power",  # 10⁻¹², never the SI prefixes (1p) that Plotly picks by default
    )
    return readable_axes(fig, presenter)
