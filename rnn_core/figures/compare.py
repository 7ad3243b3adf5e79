"""Two reviews side by side (Word by word's compare view): both answer curves on one chart, both hidden states below.

Arrays in, a Plotly figure out; it shows the reviews fully read. Review A is drawn solid with circles, B dashed
with diamonds; each marker is coloured by how much its word moved P(positive), as everywhere on the page.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .network import delta_color, escaped
from .sequence import MARGIN, h_colorbar, hidden_heatmap, token_deltas
from .style import FONT_SIZE, base_layout, readable_axes
from .word_axis import PLOT_PX, cut, word_ticks

HEIGHT = {False: 520, True: 760}  # px: the whole view fits a 1280x800 laptop below the two review boxes; a projector
LABELLED = 12  # reviews up to this many words get every word written beside its point on the answer chart
STYLE = {"A": {"dash": "solid", "symbol": "circle", "color": "#222"}, "B": {"dash": "dash", "symbol": "diamond", "color": "#666"}}


def _curve(name: str, tokens: list[str], probs: np.ndarray, start_prob: float, above: list[bool] | None,
           presenter: bool) -> go.Scatter:  # fmt: skip
    """P(positive) after each word of one review, markers coloured by what each word did to it; ``above``: where each
    word is written (above its point or below), or None to write none."""
    words = escaped(tokens)
    answer = probs[:, -1]  # (T,)
    deltas = token_deltas(probs, start_prob)  # (T,)
    style = STYLE[name]
    return go.Scatter(
        x=np.arange(1, len(tokens) + 1),
        y=answer,
        mode="lines+markers+text" if above else "lines+markers",
        name=name,
        line={"color": style["color"], "dash": style["dash"], "width": 4 if presenter else 3},
        marker={
            "symbol": style["symbol"],
            "size": 13 if presenter else 10,
            "color": [delta_color(d) for d in deltas],
            "line": {"color": style["color"], "width": 1.5},
        },
        text=words if above else None,
        textposition=["top center" if up else "bottom center" for up in above] if above else None,
        textfont={"size": FONT_SIZE[presenter] - 1, "color": style["color"]},
        cliponaxis=False,
        customdata=np.stack([np.array(words, dtype=object), deltas], axis=1),
        hovertemplate=f"{name}, word %{{x}} '%{{customdata[0]}}': P(positive) %{{y:.3f}} (%{{customdata[1]:+.3f}})<extra></extra>",
        showlegend=False,
    )


def _legend_entry(name: str, tokens: list[str], presenter: bool) -> go.Scatter:
    """The review's line and symbol in the legend, in its own grey (its points carry the page's colours)."""
    style = STYLE[name]
    title = tokens if len(tokens) <= 6 else [*tokens[:6], "…"]
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines+markers",
        name=f"{name}: “{html.escape(cut(' '.join(title), 40))}”",
        line={"color": style["color"], "dash": style["dash"], "width": 4 if presenter else 3},
        marker={"symbol": style["symbol"], "size": 13 if presenter else 10, "color": style["color"]},
        hoverinfo="skip",
    )


def compare_figure(
    tokens_a: list[str],
    hidden_a: np.ndarray,
    probs_a: np.ndarray,
    tokens_b: list[str],
    hidden_b: np.ndarray,
    probs_b: np.ndarray,
    start_prob: float = 0.5,
    presenter: bool = False,
) -> go.Figure:
    """Reviews A and B read by one model: their answers after each word on one chart, their hidden states beside
    each other on one fixed scale.

    Shapes: hidden_* (T_*, H) on [-1, 1], probs_* (T_*, C) with P(positive) last; ``start_prob`` is P(positive)
    before any word (the same for both: same model).
    """
    size = FONT_SIZE[presenter]
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}]],
        row_heights=[0.44, 0.56],
        vertical_spacing=0.17,
        horizontal_spacing=0.07,
        subplot_titles=("The answer after each word: P(positive)", "A · hidden state h after each word", "B · the same for B"),
    )
    labelled = max(len(tokens_a), len(tokens_b)) <= LABELLED
    a, b = probs_a[:, -1], probs_b[:, -1]
    a_above = [i >= len(b) or a[i] >= b[i] for i in range(len(a))]  # each word on the side away from the other curve
    b_above = [i >= len(a) or b[i] > a[i] for i in range(len(b))]
    fig.add_trace(_curve("A", tokens_a, probs_a, start_prob, a_above if labelled else None, presenter), row=1, col=1)
    fig.add_trace(_curve("B", tokens_b, probs_b, start_prob, b_above if labelled else None, presenter), row=1, col=1)
    for name, tokens in (("A", tokens_a), ("B", tokens_b)):
        fig.add_trace(_legend_entry(name, tokens, presenter), row=1, col=1)
    fig.add_hline(y=0.5, line={"dash": "dot", "color": "#888"}, row=1, col=1)
    fig.add_trace(hidden_heatmap(escaped(tokens_a), hidden_a), row=2, col=1)
    fig.add_trace(hidden_heatmap(escaped(tokens_b), hidden_b, h_colorbar(presenter, fig.layout.yaxis3.domain)), row=2, col=2)
    longest = max(len(tokens_a), len(tokens_b))
    fig.update_xaxes(range=[0.5, longest + 0.5], dtick=1 if longest <= 20 else None, title_text="word", row=1, col=1)
    fig.update_yaxes(range=[-0.08 if labelled else 0, 1.08 if labelled else 1], tickvals=[0, 0.5, 1], title_text="P",
                     row=1, col=1)  # fmt: skip
    half = (PLOT_PX[presenter] - 60) / 2  # each heatmap gets about half the width
    margin = 0
    for col, (tokens, hidden) in enumerate(((tokens_a, hidden_a), (tokens_b, hidden_b)), start=1):
        ticks = word_ticks(tokens, half, size - 1)
        margin = max(margin, ticks.pop("margin_px"))
        fig.update_xaxes(range=[-0.5, len(tokens) - 0.5], tickmode="array", **ticks, row=2, col=col)
        fig.update_yaxes(range=[-0.5, hidden.shape[1] - 0.5], autorange=False, row=2, col=col)
    fig.update_yaxes(title_text="unit", row=2, col=1)
    fig.update_annotations(font_size=size)  # the panel titles
    fig.update_layout(
        **{**base_layout(presenter=presenter), "height": HEIGHT[presenter], "margin": {**MARGIN[presenter], "t": 2 * size + 44,
                                                                                        "b": margin + 8}},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
                "font": {"size": size - 1}},
    )  # fmt: skip
    return readable_axes(fig, presenter)
