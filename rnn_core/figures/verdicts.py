"""Verdicts of several models on two texts side by side: which model tells a pair apart."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..text.tokenizer import detokenize
from .style import CLASS_COLORS, base_layout, class_label, readable_axes


def pair_figure(models: list[str], probs: np.ndarray, verdicts: list[tuple[str, str]], texts: tuple[str, str],
                expected: tuple[str, str], presenter: bool = False) -> go.Figure:  # fmt: skip
    """Grouped bars: P(positive) after each text (one bar per text) for each model; the bar's colour is its verdict.

    Shapes: probs (M, 2) on [0, 1], one row per model; verdicts: the class of each answer, as the model decides it;
    texts: treebank tokens joined by spaces, shown as people write them.
    A ✓ or ✗ above each bar compares the verdict with a reader's.
    """
    probs = np.asarray(probs, dtype=float)  # (M, 2)
    fig = go.Figure()
    for k, (text, want) in enumerate(zip(texts, expected)):
        p = probs[:, k]  # (M,)
        shown = detokenize(text.split())  # "not good , bad" (the tokens) as people write it: "not good, bad"
        said = [v[k] for v in verdicts]
        marks = ["✓" if v == want else "✗" for v in said]
        fig.add_bar(
            x=models,
            y=p,
            name=f"“{shown}” (a reader: {want})",
            marker={
                "color": [CLASS_COLORS[v] for v in said],
                "pattern": {"shape": "" if k == 0 else "/", "fgcolor": "#ffffff"},
                "line": {"color": "#333", "width": 1},
            },
            text=[f"{m} {v:.2f}" for m, v in zip(marks, p)],
            textposition="outside",
            customdata=[class_label(v) for v in said],
            hovertemplate=f"%{{x}} on “{shown}”: P(positive) = %{{y:.3f}}, %{{customdata}}<extra></extra>",
        )
    fig.add_hline(y=0.5, line={"dash": "dot", "color": "#555", "width": 2}, layer="below")
    fig.update_layout(
        **base_layout(height=340, presenter=presenter),
        barmode="group",
        # under the models' names: above the bars, two long entries ran under the chart's tool icons (top right)
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.14, "yanchor": "top"},
    )
    fig.update_yaxes(title_text="P(positive)", range=[0, 1.15], tickvals=[0, 0.5, 1])
    return readable_axes(fig, presenter)
