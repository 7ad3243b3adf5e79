"""Figures for the RNN-shapes and Text-completion pages: the four shapes of recurrent problems, the next words after
each word, and the forgetting example. Arrays in, Plotly figures out; words are escaped (html.escape) wherever
Plotly reads text as markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .gradients import CELL_STYLE
from .style import DIVERGING, SEQUENTIAL, base_layout, readable_axes

INK, FADED = "#333333", "#8c8c8c"
ROLE_COLORS = {"x": "#E69F00", "h": "#56B4E9", "y": "#009E73"}  # Okabe-Ito; each box also names its role (x, h, y)
ROW_Y = {"x": 0.0, "h": 1.3, "y": 2.6}  # inputs at the bottom, hidden states in the middle, outputs on top
STEP = 1.25  # horizontal distance between two time steps
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
PROB_FLOOR = -4  # log-scale probability axes end at 10^-4 (1 in 10,000: about uniform over the dictionary)


@dataclass(frozen=True)
class Shape:
    """One shape of recurrent problem: which steps take an input and which give an output."""

    name: str
    example: str
    inputs: tuple[str, ...]  # per step: the input's text, "" where the step takes none
    outputs: tuple[str, ...]  # per step: the output's text, "" where it gives none
    fed_back: bool = False  # True: each output is read as the next step's input (dashed arrow)
    context_after: int = 0  # > 0: encoder-decoder, the encoder's last state (after this many steps) starts the decoder


SHAPES = (
    Shape("many-to-one", "a review → its sentiment", ("the", "film", "is", "great"), ("", "", "", "positive")),
    Shape("one-to-many", "a label → a sentence", ("positive", "", "", ""), ("a", "warm", "film", "<eos>"), fed_back=True),
    Shape("many-to-many, aligned", "the next word at every step", ("(start)", "the", "film", "is"), ("the", "film", "is", "great")),
    Shape("many-to-many, encoder-decoder", "translation (not in RNN Lens)", ("a", "good", "film", "", "", ""),
          ("", "", "", "un", "bon", "film"), context_after=3),
)  # fmt: skip


def _box(fig: go.Figure, x: float, role: str, step: int, word: str, hover: str) -> None:
    """A box named by its role and step (x₁, h₂, y₃); an input's word is written under it, an output's above it."""
    y = ROW_Y[role]
    fig.add_shape(type="rect", x0=x - 0.42, x1=x + 0.42, y0=y - 0.32, y1=y + 0.32, fillcolor=ROLE_COLORS[role], opacity=0.85,
                  line={"color": INK, "width": 1}, layer="below")  # fmt: skip
    name = f"{role}{str(step).translate(SUBSCRIPT)}"
    fig.add_scatter(x=[x], y=[y], mode="text", text=[name], textfont={"color": "black"}, hovertext=[html.escape(hover)],
                    hoverinfo="text", showlegend=False)  # fmt: skip
    if word:
        below = role == "x"
        fig.add_annotation(x=x, y=y + (-0.34 if below else 0.34), text=html.escape(word), showarrow=False,
                           yanchor="top" if below else "bottom", font={"color": INK})  # fmt: skip


def _arrow(fig: go.Figure, start: tuple[float, float], end: tuple[float, float], dashed: bool = False) -> None:
    fig.add_annotation(x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y", text="",
                       showarrow=True, arrowhead=2, arrowwidth=1.6, arrowcolor=FADED if dashed else INK)  # fmt: skip


def _draw_shape(fig: go.Figure, shape: Shape, left: float) -> float:
    """Draw one shape from x = left; returns where the next one may start."""
    n = len(shape.inputs)
    xs = [left + STEP * t for t in range(n)]
    for t, x in enumerate(xs):
        cell = "encoder" if shape.context_after and t < shape.context_after else "decoder" if shape.context_after else "RNN"
        _box(fig, x, "h", t + 1, "", f"{shape.name}: the hidden state after step {t + 1} ({cell})")
        if t and t != shape.context_after:
            _arrow(fig, (xs[t - 1] + 0.5, ROW_Y["h"]), (x - 0.5, ROW_Y["h"]))
        if shape.inputs[t]:
            _box(fig, x, "x", t + 1, shape.inputs[t], f"input at step {t + 1}: {shape.inputs[t]}")
            _arrow(fig, (x, ROW_Y["x"] + 0.32), (x, ROW_Y["h"] - 0.32))
        if shape.outputs[t]:
            _box(fig, x, "y", t + 1, shape.outputs[t], f"output at step {t + 1}: {shape.outputs[t]}")
            _arrow(fig, (x, ROW_Y["h"] + 0.32), (x, ROW_Y["y"] - 0.32))
        if shape.fed_back and t + 1 < n:
            _arrow(fig, (x + 0.42, ROW_Y["y"]), (xs[t + 1] - 0.42, ROW_Y["h"] + 0.2), dashed=True)
    if shape.context_after:
        k = shape.context_after
        _arrow(fig, (xs[k - 1] + 0.5, ROW_Y["h"]), (xs[k] - 0.5, ROW_Y["h"]), dashed=True)
        fig.add_annotation(x=(xs[k - 1] + xs[k]) / 2, y=ROW_Y["h"] + 0.5, text="context", showarrow=False,
                           font={"color": FADED})  # fmt: skip
    middle = (xs[0] + xs[-1]) / 2
    fig.add_annotation(x=middle, y=ROW_Y["y"] + 1.0, text=f"<b>{shape.name}</b><br>{shape.example}", showarrow=False,
                       yanchor="bottom", font={"color": INK})  # fmt: skip
    return xs[-1] + 1.6


def shapes_figure(presenter: bool = False) -> go.Figure:
    """The four shapes side by side: inputs x (bottom), hidden states h (middle), outputs y (top), time to the right."""
    fig = go.Figure()
    left = 0.0
    for shape in SHAPES:
        left = _draw_shape(fig, shape, left)
    fig.update_layout(**base_layout(height=380, presenter=presenter, margin={"l": 10, "r": 10, "t": 10, "b": 10}))
    fig.update_xaxes(visible=False, range=[-0.7, left - 1.0], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-1.0, ROW_Y["y"] + 2.0], fixedrange=True)
    return fig


def next_words_table(steps: list[str], top_words: list[list[str]], top_probs: np.ndarray, came: list[str | None],
                     label: str, presenter: bool = False, first: int = 0) -> go.Figure:  # fmt: skip
    """After each step (rows, first at the top) the k most probable next words (columns, most probable first).

    Shapes: steps (R,), top_words (R, k), top_probs (R, k); came (R,) the word that followed each step (None after the
    last), drawn in bold where it is among the k; ``first``: the number of the first row's step. Colour: probability
    on the fixed scale 0..1.
    """
    probs = np.asarray(top_probs, dtype=float)  # (R, k)
    rows, k = probs.shape
    names = [f"{first + i}. {html.escape(s)}" for i, s in enumerate(steps)]  # step numbers of the whole beginning
    text = [[(f"<b>{html.escape(w)}</b>" if w == came[r] else html.escape(w)) for w in top_words[r]] for r in range(rows)]
    hover = [[f"{label}, after “{html.escape(steps[r])}”: “{html.escape(w)}” {probs[r, j]:.4f} (rank {j + 1})"
              for j, w in enumerate(top_words[r])] for r in range(rows)]  # fmt: skip
    fig = go.Figure(
        go.Heatmap(z=probs, x=list(range(1, k + 1)), y=names, zmin=0, zmax=1, colorscale=SEQUENTIAL, text=text,
                   texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
                   colorbar={"title": {"text": "probability", "side": "right"}, "thickness": 12})
    )  # fmt: skip
    fig.update_layout(**base_layout(height=90 + 26 * rows, presenter=presenter, margin={"l": 130, "r": 20, "t": 30, "b": 40}))
    fig.update_xaxes(title_text=f"{label}: next word, rank 1 (most probable) to {k}", dtick=1, side="top")
    fig.update_yaxes(autorange="reversed", type="category")
    return readable_axes(fig, presenter)


def next_words_bars(words: list[str], probs: np.ndarray, after: str, label: str, entries: int = 10_001,
                    presenter: bool = False) -> go.Figure:  # fmt: skip
    """The k most probable next words after one step as horizontal bars on the fixed scale 0..1 (the top one on top),
    and a grey bar for all the other entries together: the whole softmax adds up to 1."""
    values = np.asarray(probs, dtype=float)  # (k,)
    rest = max(0.0, 1.0 - float(values.sum()))
    shown = [html.escape(w) for w in words]
    names = [f"{i + 1}. {w}" for i, w in enumerate(shown)] + [f"the other {entries - len(values):,}"]
    fig = go.Figure(
        go.Bar(x=[*values, rest], y=names, orientation="h", marker={"color": ["#0072B2"] * len(values) + ["#BBBBBB"]},
               text=[f"{v:.3f}" for v in (*values, rest)], textposition="outside", cliponaxis=False,
               customdata=[*shown, f"any of the other {entries - len(values):,} entries"],
               hovertemplate=f"{label}: P(%{{customdata}} | … {html.escape(after)}) = %{{x:.5f}}<extra></extra>")
    )  # fmt: skip
    fig.update_layout(**base_layout(height=350, presenter=presenter, margin={"l": 120, "r": 40, "t": 40, "b": 40}),
                      title={"text": f"{label}: after “{html.escape(after)}”", "x": 0.02})  # fmt: skip
    fig.update_xaxes(range=[0, 1], title_text=f"probability (softmax over all {entries:,} entries)", dtick=0.2)
    fig.update_yaxes(autorange="reversed")
    return readable_axes(fig, presenter)


def _style(label: str) -> dict:
    return CELL_STYLE.get(label, {"color": INK, "symbol": "circle", "dash": "solid"})


def forgetting_figure(distances: list[int], right: dict[str, np.ndarray], swapped: dict[str, np.ndarray], target: str,
                      swap: str, presenter: bool = False) -> go.Figure:  # fmt: skip
    """P(the right word) against the number of words between the early word and the blank, one line per model;
    dotted: the same sentences with the early word swapped (what the model predicts without the clue). Log y."""
    fig = go.Figure()
    for label in right:
        style = _style(label)
        for values, kind, dash, opacity in ((right[label], "as written", style["dash"], 1.0),
                                            (swapped[label], f"with “{html.escape(swap)}”", "dot", 0.6)):  # fmt: skip
            fig.add_scatter(x=distances, y=np.asarray(values, dtype=float), name=f"{label}, {kind}", mode="lines+markers",
                            opacity=opacity, line={"color": style["color"], "dash": dash, "width": 3 if opacity == 1 else 2},
                            marker={"symbol": style["symbol"] + ("" if opacity == 1 else "-open"), "size": 8},
                            hovertemplate=f"{label}, {kind}: %{{x}} words between → P(“{html.escape(target)}”) = %{{y:.4f}}<extra></extra>")  # fmt: skip
    fig.update_layout(**base_layout(height=360, presenter=presenter), legend={"orientation": "h", "y": 1.15, "x": 0})
    fig.update_xaxes(title_text="words between the early word and the blank", tickvals=distances)
    fig.update_yaxes(title_text=f"P(“{html.escape(target)}”) next", type="log", range=[PROB_FLOOR, 0], dtick=1,
                     exponentformat="power")  # fmt: skip
    return readable_axes(fig, presenter)


def clue_influence_figure(distances: list[int], shares: dict[str, np.ndarray], cue: str, presenter: bool = False) -> go.Figure:
    """The early word's influence on the right word's logit, relative to the strongest word of the sentence, per distance."""
    fig = go.Figure()
    for label, values in shares.items():
        style = _style(label)
        fig.add_scatter(x=distances, y=np.asarray(values, dtype=float), name=label, mode="lines+markers",
                        line={"color": style["color"], "dash": style["dash"], "width": 3},
                        marker={"symbol": style["symbol"], "size": 8},
                        hovertemplate=f"{label}: %{{x}} words between → “{html.escape(cue)}” moves the prediction "
                        "%{y:.3g} × as much as the strongest word<extra></extra>")  # fmt: skip
    fig.update_layout(**base_layout(height=340, presenter=presenter), legend={"orientation": "h", "y": 1.12, "x": 0})
    fig.update_xaxes(title_text="words between the early word and the blank", tickvals=distances)
    fig.update_yaxes(title_text=f"influence of “{html.escape(cue)}” ÷ strongest word's", type="log", range=[-6, 0], dtick=1,
                     exponentformat="power")  # fmt: skip
    return readable_axes(fig, presenter)


def start_state_figure(states: np.ndarray, labels: list[str], presenter: bool = False) -> go.Figure:
    """The first hidden state h_0 the label sets, one row per label, one column per unit, on tanh's fixed scale -1..1.

    Shapes: states (L, H), labels (L,).
    """
    values = np.asarray(states, dtype=float)  # (L, H)
    fig = go.Figure(
        go.Heatmap(z=values, x=np.arange(1, values.shape[1] + 1), y=[html.escape(lab) for lab in labels], zmin=-1, zmax=1,
                   colorscale=DIVERGING, zmid=0, colorbar={"title": {"text": "h₀", "side": "right"}, "thickness": 12},
                   hovertemplate="h₀ for %{y}, unit %{x}: %{z:.3f}<extra></extra>")
    )  # fmt: skip
    fig.update_layout(
        **base_layout(height=150 + 30 * len(labels), presenter=presenter, margin={"l": 90, "r": 20, "t": 20, "b": 50})
    )
    fig.update_xaxes(title_text="unit of the hidden state")
    return readable_axes(fig, presenter)
