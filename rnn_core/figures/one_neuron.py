"""Figures and equations for the Inside-one-step page: the numbers of ``UnitSteps`` in, Plotly / LaTeX out.

- ``network_figure``: the network as a diagram, inputs on the left (only the
  current word's input lit), the hidden unit with its loop, the output neuron,
  every weight labelled with its trained value (hover: 6 decimals).
- ``activation_figure``: tanh and sigmoid with the current step's point marked.
- ``step_equations``: the three equations of one step as LaTeX with the numbers
  substituted. No user text ever goes into LaTeX; words are named by step number.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from ..explain.one_neuron import UnitSteps
from .plain import colorscale, hline, panel_titles, plain_figure, readable_layout, subplot_layout
from .style import ACCENT, CLASS_COLORS, DIVERGING, base_layout

DIGITS = 6  # equations and table: enough for a class to check each sum by hand, and for tests to 1e-6
LABEL_DIGITS = 4  # weight labels on the diagram (the hover shows DIGITS)
X_IN, X_H, X_Y = 0.0, 2.4, 4.6  # columns of the diagram: inputs, hidden unit, output
Y_H, Y_Y, Y_NEXT = 0.5, 0.9, 0.1  # the hidden unit, the output neuron, "on to the next word"
GREY = "#9a9a9a"


def _p(x: float) -> str:
    """A number for an equation, negative ones in parentheses."""
    return f"({x:.{DIGITS}f})" if x < 0 else f"{x:.{DIGITS}f}"


def step_equations(s: UnitSteps, t: int) -> dict[str, str]:
    """The equations of step ``t`` (0-based) as LaTeX: 'sum', 'h', 'y', 'pass' and, for a bigger model, 'share'."""
    j, i = s.unit, s.ids[t]
    pre, h, y, logit = float(s.preact[t]), float(s.h[t]), float(s.y[t]), float(s.logit[t])
    h_name = "h_t" if s.single else f"h_t[{j}]"
    if t + 1 < s.seq_len:
        nxt = h_name.replace("_t", "_{t-1}")
        passed = (
            rf"\begin{{aligned}}{h_name} &= {h:.{DIGITS}f} \\ &\longrightarrow\; {nxt} \text{{ of word }} {t + 2}\end{{aligned}}"
        )
    else:  # two short lines: the column beside the output's equations is narrow
        passed = rf"\begin{{aligned}}&\text{{last word: }} y_t = {y:.{DIGITS}f} \\ &\text{{is the answer for the whole review}}\end{{aligned}}"
    if s.single:
        return {
            "pass": passed,
            "sum": _lines(
                rf"\text{{sum}} = w_{{{i}}} \cdot 1 + w_{{hh}} \cdot h_{{t-1}} + b_h",
                rf"{_p(s.w_x[t])} \cdot 1 + {_p(s.w_hh)} \cdot {_p(s.h_prev[t])} + {_p(s.b_h)}",
                f"{pre:.{DIGITS}f}",
            ),
            "h": rf"h_t = \tanh(\text{{sum}}) = \tanh({pre:.{DIGITS}f}) = {h:.{DIGITS}f}",
            "y": _lines(
                r"y_t = \sigma(w_{hy} \cdot h_t + b_y)",
                rf"\sigma({_p(s.w_hy)} \cdot {_p(h)} + {_p(s.b_y)})",
                rf"\sigma({logit:.{DIGITS}f}) = {y:.{DIGITS}f}",
            ),
        }
    return {
        "pass": passed,
        "sum": _lines(
            rf"\text{{sum}}_{{{j}}} = W_x[{j},{i}] \cdot 1 + W_{{hh}}[{j},:] \cdot h_{{t-1}} + b_h[{j}]",
            rf"{_p(s.w_x[t])} \cdot 1 + {_p(s.recurrent[t])} + {_p(s.b_h)}",
            f"{pre:.{DIGITS}f}",
        ),
        "h": rf"h_t[{j}] = \tanh(\text{{sum}}_{{{j}}}) = \tanh({pre:.{DIGITS}f}) = {h:.{DIGITS}f}",
        "y": _lines(
            r"y_t = \sigma(W_{hy} \cdot h_t + b_y)",
            rf"\sigma({_p(s.out_sum[t])} + {_p(s.b_y)})",
            rf"\sigma({logit:.{DIGITS}f}) = {y:.{DIGITS}f}",
        ),
        "share": _lines(rf"W_{{hy}}[{j}] \cdot h_t[{j}] = {_p(s.w_hy)} \cdot {_p(h)}", f"{float(s.unit_out[t]):.{DIGITS}f}"),
    }


def _lines(first: str, *rest: str) -> str:
    """One equation over several lines, each further line starting '= ...' under the first '=' (fits a narrow column)."""
    head, _, tail = first.partition(" = ")
    rows = [f"{head} &= {tail}"] + [f"&= {r}" for r in rest]
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def _input_slots(index: int, vocab_size: int) -> list[int | None]:
    """Which inputs to draw: the first two, the current word's, the last; None marks '⋮' (skipped inputs)."""
    shown = sorted({0, 1, index, vocab_size - 1})
    slots: list[int | None] = []
    for k in shown:
        if slots and k - slots[-1] > 1:
            slots.append(None)
        slots.append(k)
    return slots


class _Parts:
    """A diagram's traces, shapes and annotations, collected as dictionaries for a plain figure."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_annotation(self, **note) -> None:
        self.annotations.append(note)

    def add_shape(self, **shape) -> None:
        self.shapes.append(shape)


def _edge(fig: _Parts, name: str, start: tuple, end: tuple, at: tuple, text: str, hover: str, color: str = "#333") -> None:
    """An arrow from ``start`` to ``end`` and its label at ``at``; ``name`` lets tests find the label, the hover is exact."""
    fig.add_annotation(
        x=end[0], y=end[1], ax=start[0], ay=start[1], axref="x", ayref="y", text="", showarrow=True,
        arrowhead=3, arrowsize=1.2, arrowwidth=4 if color == ACCENT else 2, arrowcolor=color, standoff=16, startstandoff=4,
    )  # fmt: skip
    _label(fig, name, at, text, hover, color)


def _label(fig: _Parts, name: str, at: tuple, text: str, hover: str, color: str = "#222", xanchor: str = "center") -> None:
    fig.add_annotation(name=name, x=at[0], y=at[1], text=text, hovertext=hover, showarrow=False, font={"color": color},
                       bgcolor="rgba(255,255,255,0.85)", xanchor=xanchor)  # fmt: skip


def _node(fig: _Parts, name: str, xy: tuple, value: float, scale: dict, values: list[float], hover: str) -> None:
    """A neuron, filled by its value on a fixed scale; ``customdata`` holds its exact numbers."""
    marker = {"size": 56, "color": [value], "line": {"color": "#222", "width": 2}, **scale}
    fig.add_trace({"type": "scatter", "x": [xy[0]], "y": [xy[1]], "mode": "markers", "name": name, "marker": marker,
                   "customdata": [values], "hovertemplate": hover + "<extra></extra>"})  # fmt: skip


def _inputs(fig: _Parts, index: int, vocab_size: int, word: str) -> float:
    """The inputs column, only x[index] lit, with faint edges from the unlit ones; returns the lit input's height."""
    slots = _input_slots(index, vocab_size)
    ys = np.linspace(1.0, 0.0, len(slots))
    gx = [v for k in slots if k is not None and k != index for v in (X_IN, X_H, None)]
    gy = [v for k, y in zip(slots, ys) if k is not None and k != index for v in (y, Y_H, None)]
    fig.add_trace({"type": "scatter", "x": gx, "y": gy, "mode": "lines", "line": {"color": "#d0d0d0", "width": 1},
                   "hoverinfo": "skip", "name": "edges"})  # fmt: skip
    lit = [k == index for k in slots]
    fig.add_trace(
        {
            "type": "scatter", "x": [X_IN] * len(slots), "y": ys, "mode": "markers+text", "name": "inputs", "hoverinfo": "text",
            "marker": {"size": [0 if k is None else 22 for k in slots], "color": [ACCENT if b else "white" for b in lit],
                       "line": {"color": "#555", "width": 1.5}},
            "text": ["⋮" if k is None else f"x[{k}] = {int(b)}" for k, b in zip(slots, lit)],
            "textposition": ["middle center" if k is None else "middle left" for k in slots],
            "customdata": [-1 if k is None else k for k in slots],
            "hovertext": [f"{vocab_size - 4:,}+ inputs, all 0" if k is None else f"input {k}: {int(b)}" for k, b in zip(slots, lit)],
        }
    )  # fmt: skip
    _label(fig, "word", (-1.25, 1.2), f"{vocab_size:,} inputs, one per dictionary word · lit: '{word}' (i = {index})", word,
           xanchor="left")  # fmt: skip
    return float(ys[slots.index(index)])


def network_figure(s: UnitSteps, step: int, vocab_size: int = 10_000, presenter: bool = False) -> go.Figure:
    """The network at step ``step`` (0-based): inputs, the hidden unit and the output, with trained values.

    Weight labels are annotations named w_i, w_hh, b_h, w_hy, b_y (and others, others_y for a bigger
    model); their ``hovertext`` ends with the exact value. For a bigger model the names in the
    labels carry the unit's index j; the output reads every unit.
    """
    t, j, i, d, e = step, s.unit, s.ids[step], LABEL_DIGITS, DIGITS
    one = s.single
    fig = _Parts()
    y_in = _inputs(fig, i, vocab_size, html.escape(s.dict_words[t]))
    # Into the hidden unit: the lit input's weight, the loop, the bias, and (bigger model) the other units.
    wx = float(s.w_x[t])
    _edge(fig, "w_i", (X_IN, y_in), (X_H, Y_H), (1.1, (y_in + Y_H) / 2 + 0.07), f"{'w_i' if one else f'W_x[{j},i]'} = {wx:+.{d}f}",
          f"input weight of dictionary word {i}: {wx:+.{e}f}", ACCENT)  # fmt: skip
    loop = f"M {X_H - 0.12},{Y_H + 0.06} C {X_H - 0.45},{Y_H + 0.42} {X_H + 0.45},{Y_H + 0.42} {X_H + 0.12},{Y_H + 0.06}"
    fig.add_shape(type="path", path=loop, line={"color": "#333", "width": 2})
    _label(fig, "w_hh", (X_H, Y_H + 0.4), f"{'w_hh' if one else f'W_hh[{j},{j}]'} = {s.w_hh:+.{d}f}",
           f"loop weight, h_(t-1) back in: {s.w_hh:+.{e}f}")  # fmt: skip
    _edge(fig, "b_h", (X_H - 0.8, Y_H + 0.5), (X_H, Y_H), (X_H - 0.8, Y_H + 0.55), f"{'b_h' if one else f'b_h[{j}]'} = {s.b_h:+.{d}f}",
          f"bias of the hidden unit: {s.b_h:+.{e}f}")  # fmt: skip
    if not one:
        o = float(s.others[t])
        _edge(fig, "others", (X_H - 1.3, 0.05), (X_H, Y_H), (X_H - 1.3, 0.0), f"other {s.hidden_size - 1} units: {o:+.{d}f}",
              f"W_hh[{j},k≠{j}]·h_(t-1)[k≠{j}] = {o:+.{e}f}", GREY)  # fmt: skip
    pre, h = float(s.preact[t]), float(s.h[t])
    h_name = "h_t" if one else f"h_t[{j}]"
    _node(fig, "hidden", (X_H, Y_H), h, {"cmin": -1, "cmax": 1, "colorscale": colorscale(DIVERGING)}, [pre, h],
          f"{h_name} = tanh(%{{customdata[0]:.{e}f}}) = %{{customdata[1]:.{e}f}}")  # fmt: skip
    _label(
        fig, "h_t", (X_H + 0.15, Y_H - 0.3), f"sum = {pre:+.{d}f}<br>{h_name} = tanh(sum) = {h:+.{d}f}", f"{h_name} = {h:+.{e}f}"
    )
    # Choice 1: the output neuron reads h_t now. Choice 2: h_t goes on to the next word.
    _edge(fig, "w_hy", (X_H, Y_H), (X_Y, Y_Y), ((X_H + X_Y) / 2, (Y_H + Y_Y) / 2 + 0.08),
          f"{'w_hy' if one else f'W_hy[{j}]'} = {s.w_hy:+.{d}f}", f"output weight: {s.w_hy:+.{e}f}")  # fmt: skip
    _edge(fig, "b_y", (X_Y, Y_Y + 0.35), (X_Y, Y_Y), (X_Y, Y_Y + 0.38), f"b_y = {s.b_y:+.{d}f}", f"output bias: {s.b_y:+.{e}f}")
    if not one:
        rest = float(s.out_sum[t] - s.unit_out[t])
        _edge(fig, "others_y", (X_Y - 0.9, Y_Y + 0.3), (X_Y, Y_Y), (X_Y - 1.0, Y_Y + 0.36), f"other units: {rest:+.{d}f}",
              f"W_hy[k≠{j}]·h_t[k≠{j}] = {rest:+.{e}f}", GREY)  # fmt: skip
    y, logit = float(s.y[t]), float(s.logit[t])
    scale = {"cmin": 0, "cmax": 1, "colorscale": [[0, CLASS_COLORS["negative"]], [0.5, "#f2f2f2"], [1, CLASS_COLORS["positive"]]]}
    _node(
        fig,
        "output",
        (X_Y, Y_Y),
        y,
        scale,
        [logit, y],
        f"y_t = σ(%{{customdata[0]:.{e}f}}) = %{{customdata[1]:.{e}f}} = P(positive)",
    )
    _label(fig, "y_t", (X_Y + 0.25, Y_Y - 0.17), f"y_t = σ({logit:+.{d}f}) = {y:.{d}f}", f"P(positive) = {y:.{e}f}")
    nxt = f"on to word {t + 2}" if t + 1 < s.seq_len else "last word: no next step"
    _edge(fig, "next", (X_H, Y_H), (X_Y, Y_NEXT), (X_Y + 0.1, Y_NEXT - 0.08), f"h_t passed on as h_(t-1): {nxt}", nxt)
    if presenter:  # larger labels than on a laptop, but the diagram's labels must still fit beside each other
        for note in fig.annotations:
            note["font"] = {**note.get("font", {}), "size": 16}
    layout = base_layout(height=430, presenter=presenter) | {
        "showlegend": False,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "shapes": fig.shapes,
        "annotations": fig.annotations,
        "xaxis": {"range": [-1.3, 6.2 if presenter else 5.6], "visible": False, "fixedrange": True},
        "yaxis": {"range": [-0.3, 1.32], "visible": False, "fixedrange": True},
    }
    return plain_figure(fig.data, readable_layout(layout, presenter))


def activation_figure(s: UnitSteps, step: int, presenter: bool = False) -> go.Figure:
    """tanh and sigmoid curves; every step's point in grey, the current step's large and labelled."""
    t, j = step, s.unit
    h_title = "h_t = tanh(sum)" if s.single else f"unit {j}: h_t[{j}] = tanh(sum)"
    y_title = "y_t = σ(w_hy·h_t + b_y)" if s.single else f"output, all {s.hidden_size} units: y_t = σ(W_hy·h_t + b_y)"
    layout = subplot_layout((h_title, y_title), horizontal_spacing=0.1, title_size=panel_titles(presenter))
    data = []
    words = [f"{k + 1}. {html.escape(w)}" for k, w in enumerate(s.tokens)]
    curves = (
        ("tanh", s.preact, s.h, np.tanh, (-1.05, 1.05)),
        ("sigmoid", s.logit, s.y, lambda z: 1 / (1 + np.exp(-z)), (-0.03, 1.03)),
    )
    for col, (name, zs, vs, fn, yrange) in enumerate(curves, start=1):
        reach = max(4.0, float(np.ceil(np.abs(zs).max())) + 0.5)  # widened only if a step falls outside [-4, 4]
        grid = np.linspace(-reach, reach, 201)
        axes = {"xaxis": "x", "yaxis": "y"} if col == 1 else {"xaxis": f"x{col}", "yaxis": f"y{col}"}
        data.append({"type": "scatter", "x": grid, "y": fn(grid), "mode": "lines", "line": {"color": "#444", "width": 2},
                     "name": name, "hoverinfo": "skip", **axes})  # fmt: skip
        data.append(
            {
                "type": "scatter",
                "x": zs,
                "y": vs,
                "mode": "markers",
                "marker": {"color": GREY, "size": 7, "opacity": 0.6},
                "name": f"all steps ({name})",
                "text": words,
                "hovertemplate": f"%{{text}}: {name}(%{{x:.4f}}) = %{{y:.4f}}<extra></extra>",
                **axes,
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": [float(zs[t])],
                "y": [float(vs[t])],
                "mode": "markers+text",
                "name": f"current step ({name})",
                "marker": {"color": ACCENT, "size": 16, "line": {"color": "#222", "width": 2}},
                "text": [f"({float(zs[t]):+.4f},<br>{float(vs[t]):.4f})"],  # two short lines fit a narrow panel
                # Towards the middle (where there is room) and off the rising curve: up-left or down-right.
                "textposition": "top left" if zs[t] > 0 else "bottom right",
                "hovertemplate": f"word {t + 1}: {name}(%{{x:.{DIGITS}f}}) = %{{y:.{DIGITS}f}}<extra></extra>",
                **axes,
            }
        )
        suffix = "" if col == 1 else str(col)
        layout[f"xaxis{suffix}"] |= {"range": [-reach, reach], "zeroline": True}
        layout[f"yaxis{suffix}"] |= {"range": list(yrange), "autorange": False, "zeroline": True}
    layout["xaxis"]["title"] = {"text": "sum" if s.single else f"sum of unit {j}"}
    layout["yaxis"]["title"] = {"text": "h_t" if s.single else f"h_t[{j}]"}
    layout["xaxis2"]["title"] = {"text": "w_hy·h_t + b_y" if s.single else "W_hy·h_t + b_y"}
    layout["yaxis2"]["title"] = {"text": "y_t = P(positive)"}
    layout |= base_layout(height=340, presenter=presenter) | {
        "showlegend": False,
        "shapes": [hline(0.5, {"dash": "dot", "color": "#888"}, xref="x2 domain", yref="y2")],
    }
    return plain_figure(data, readable_layout(layout, presenter))
