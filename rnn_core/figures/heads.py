"""Figures and formulas for the Sigmoid-vs-softmax page: numbers in, Plotly figures or LaTeX strings out.

Bars show values to 2 decimals; hovering shows the value to 6 significant
digits with what it means. LaTeX strings hold numbers only, never user text.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from ..explain.output_heads import HeadNumbers
from .plain import hline, panel_titles, plain_figure, readable_layout, subplot_layout, vline, vrect
from .style import ACCENT, CLASS_COLORS, base_layout, class_label

INK = "#333333"  # totals and reference lines: not a class, so not a class colour


def _exact(v: float) -> str:
    return f"{float(v):.6g}"


def _bars(values, classes, meaning: str, total: float | None = None, name: str = "", axes: int = 1) -> dict:
    """One bar per class in its colour, labelled to 2 decimals, exact value and meaning on hover; on subplot ``axes``."""
    labels = [class_label(c) for c in classes]
    colors = [CLASS_COLORS[c] for c in classes]
    hover = [f"{meaning} ({c}) = {_exact(v)}" for c, v in zip(classes, values)]
    text = [f"{v:.2f}" for v in values]
    if total is not None:
        labels, colors = labels + ["total"], colors + [INK]
        hover.append(f"total of {meaning} = {_exact(total)}")
        text.append(f"{total:.2f}")
        values = list(values) + [total]
    return {
        "type": "bar",
        "x": labels,
        "y": [float(v) for v in values],
        "marker": {"color": colors},
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
        "name": name or meaning,
        "showlegend": False,
        **_on_axes(axes),
    }


def _on_axes(k: int) -> dict:
    """The trace keys that put it on subplot k (1: the first, whose axes are x and y)."""
    return {"xaxis": "x", "yaxis": "y"} if k == 1 else {"xaxis": f"x{k}", "yaxis": f"y{k}"}


def sigmoid_band_figure(p_positive: float, band: tuple[float, float], presenter: bool = False) -> go.Figure:
    """One sigmoid's P(positive) on a fixed 0..1 bar, under a hand-drawn neutral band [low, high]."""
    low, high = sorted(float(b) for b in band)
    bar = {
        "type": "bar",
        "x": [float(p_positive)],
        "y": ["P(positive)"],
        "orientation": "h",
        "marker": {"color": CLASS_COLORS["positive"]},
        "text": [f"{p_positive:.2f}"],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [f"P(positive) = sigmoid(z) = {_exact(p_positive)}"],
        "hovertemplate": "%{customdata}<extra></extra>",
        "width": 0.35,
        "showlegend": False,
    }
    regions = (("negative", 0.0, low), ("neutral", low, high), ("positive", high, 1.0))
    shapes = [
        vrect(x0, x1, fillcolor=CLASS_COLORS[cls], opacity=0.15, line={"width": 0}, layer="below") for cls, x0, x1 in regions
    ]
    shapes.append(vline(0.5, {"dash": "dot", "color": INK, "width": 1}))
    notes = [{"x": (x0 + x1) / 2, "y": 1.02, "yref": "paper", "text": class_label(cls), "showarrow": False}
             for cls, x0, x1 in regions if x1 > x0]  # fmt: skip
    layout = base_layout(190, presenter, margin={"l": 90, "r": 30, "t": 40, "b": 50})
    layout |= {"shapes": shapes, "annotations": notes,
               "xaxis": {"range": [0, 1], "title": {"text": "P(positive): the model's only number"}, "dtick": 0.1}}  # fmt: skip
    return plain_figure([bar], readable_layout(layout, presenter))


def three_sigmoids_figure(numbers: HeadNumbers, presenter: bool = False) -> go.Figure:
    """Three independent sigmoids (0..1 each) and, beside them, their sum stacked against the line at 1."""
    n = numbers
    layout = subplot_layout(
        ("Each output through its own sigmoid", f"Their sum = {n.sigmoid_total:.2f}"), column_widths=(0.68, 0.32),
        horizontal_spacing=0.12, title_size=panel_titles(presenter),
    )  # fmt: skip
    data = [_bars(n.sigmoid, n.classes, "sigmoid(z)")]
    for c, v in zip(n.classes, n.sigmoid):
        data.append(
            {
                "type": "bar",
                "x": ["sum"],
                "y": [float(v)],
                "name": class_label(c),
                "marker": {"color": CLASS_COLORS[c], "line": {"color": "white", "width": 1}},
                "customdata": [f"sigmoid(z) ({c}) = {_exact(v)}; all three add to {_exact(n.sigmoid_total)}"],
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": False,
                **_on_axes(2),
            }
        )
    # The line where a distribution stops, explained in the caption: a label on the chart would cover the
    # thin top of the stack, which is the part that passes 1.
    layout["shapes"] = [hline(1, {"dash": "dash", "color": INK, "width": 1}, xref="x2 domain", yref="y2")]
    layout["yaxis"] |= {"range": [0, 1.12], "title": {"text": "probability"}}
    layout["yaxis2"] |= {"range": [0, max(1.25, 1.15 * float(numbers.sigmoid_total))], "dtick": 0.25}
    layout |= base_layout(330, presenter, barmode="stack")
    return plain_figure(data, readable_layout(layout, presenter))


def _z_range(z: np.ndarray, z_range: tuple[float, float] | None) -> list[float]:
    if z_range is not None:
        return [float(z_range[0]), float(z_range[1])]
    reach = float(np.ceil(max(2.0, float(np.abs(z).max())) + 0.5))
    return [-reach, reach]


def softmax_steps_figure(numbers: HeadNumbers, presenter: bool = False, z_range: tuple[float, float] | None = None) -> go.Figure:
    """Output sums z; e^z and their total; e^z / total (softmax); sigmoid of the same z. Four panels."""
    n = numbers
    layout = subplot_layout(
        (
            "1 · output sums z",
            "2 · e^z and their total",
            f"3 · e^z / total = softmax<br>sum {n.softmax_total:.2f}",
            f"4 · sigmoid of the same z<br>sum {n.sigmoid_total:.2f}",
        ),
        horizontal_spacing=0.06,
        title_size=panel_titles(presenter),
    )
    data = [
        _bars(n.logits, n.classes, "output sum z"),
        _bars(n.exp, n.classes, "e^z", total=n.exp_total, axes=2),
        _bars(n.softmax, n.classes, "softmax(z) = e^z / total", axes=3),
        _bars(n.sigmoid, n.classes, "sigmoid(z) = 1 / (1 + e^-z)", axes=4),
    ]
    layout["yaxis"] |= {"range": _z_range(n.logits, z_range), "zeroline": True, "zerolinecolor": INK}
    layout["yaxis2"] |= {"range": [0, max(1.0, n.exp_total) * 1.15]}
    layout["yaxis3"] |= {"range": [0, 1.12]}
    layout["yaxis4"] |= {"range": [0, 1.12]}
    layout |= base_layout(360, presenter, margin={"l": 40, "r": 20, "t": 70, "b": 40})
    return plain_figure(data, readable_layout(layout, presenter))


def _f(v: float) -> str:
    """Numbers in formulas: 3 decimals, one more than the bars, so the arithmetic can be checked by hand."""
    return f"{float(v):.3f}"


def _e(v: float) -> str:
    return f"e^{{{_f(v)}}}"


def sigmoid_latex(z: float, p: float) -> str:
    """sigma(z) = 1 / (1 + e^-z) with the real z."""
    return rf"\sigma(z) = \frac{{1}}{{1 + e^{{-z}}}} = \frac{{1}}{{1 + {_e(-z)}}} = \frac{{1}}{{1 + {_f(np.exp(-z))}}} = {_f(p)}"


def sigmoid3_latex(numbers: HeadNumbers) -> str:
    """The three sigmoids and their sum."""
    terms = " + ".join(rf"\sigma(z_{{\text{{{c[:3]}}}}})" for c in numbers.classes)
    values = " + ".join(_f(v) for v in numbers.sigmoid)
    return rf"{terms} = {values} = {_f(numbers.sigmoid_total)}"


def softmax_latex(numbers: HeadNumbers) -> str:
    """Softmax step by step: e^z, their total, each divided by the total, the sum."""
    n = numbers
    exps = r",\quad ".join(rf"{_e(z)} = {_f(e)}" for z, e in zip(n.logits, n.exp))
    total = " + ".join(_f(e) for e in n.exp)
    fracs = r",\ ".join(rf"\frac{{{_f(e)}}}{{{_f(n.exp_total)}}}" for e in n.exp)
    probs = r",\ ".join(_f(p) for p in n.softmax)
    return (
        r"\begin{aligned}"
        rf"&{exps} \\ &\text{{total}} = {total} = {_f(n.exp_total)} \\ "
        rf"&\text{{softmax}}(z) = \left({fracs}\right) = ({probs}) \\ "
        rf"&\text{{sum}} = {' + '.join(_f(p) for p in n.softmax)} = {_f(n.softmax_total)}"
        r"\end{aligned}"
    )


def sum_histogram(sums: np.ndarray, text: str, total: float, presenter: bool = False) -> go.Figure:
    """How the three sigmoids' sum spreads over the dictionary (one word read alone each), with 1 and this text marked.

    Shapes: sums (N,), one per dictionary word.
    """
    histogram = {
        "type": "histogram",
        "x": np.asarray(sums, dtype=float),
        "xbins": {"start": 0.5, "end": 1.6, "size": 0.02},
        "marker": {"color": "#999999", "line": {"color": "#ffffff", "width": 0.5}},
        "name": "dictionary words",
        "hovertemplate": "sum %{x}: %{y} words<extra></extra>",
    }
    right = total < 1.2  # the text's label on the side with more room
    notes = [
        {"text": "1", "x": 1.0, "xref": "x", "y": 1, "yref": "y domain", "xanchor": "center", "yanchor": "bottom", "showarrow": False},
        {"text": f"“{html.escape(text[:20])}”: {total:.2f}", "x": total, "xref": "x", "y": 1, "yref": "y domain",
         "xanchor": "left" if right else "right", "yanchor": "top", "showarrow": False},
    ]  # fmt: skip
    layout = base_layout(height=230, presenter=presenter) | {
        "showlegend": False,
        "bargap": 0.05,
        "shapes": [vline(1.0, {"dash": "dash", "color": INK, "width": 2}), vline(total, {"color": ACCENT, "width": 3})],
        "annotations": notes,
        "xaxis": {"title": {"text": "sum of the three sigmoids (one word read alone)"}, "range": [0.5, 1.6]},
        "yaxis": {"title": {"text": "words"}},
    }
    return plain_figure([histogram], readable_layout(layout, presenter))
