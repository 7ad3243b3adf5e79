"""Figures for Train your own: curves that grow while a network learns, and the memory task's reference results."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .gradients import CELL_STYLE
from .style import base_layout, readable_axes

SPLITS = {  # not class colours: these lines are about data splits, not about negative or positive
    "training": {"color": "#555555", "dash": "solid", "symbol": "circle"},
    "held-out": {"color": "#CC79A7", "dash": "dash", "symbol": "square"},
}
WORD_ENDS = {"first word": {"color": "#D55E00", "symbol": "circle"}, "last word": {"color": "#0072B2", "symbol": "square"}}


def training_figure(epochs: np.ndarray, curves: dict[str, np.ndarray], total_epochs: int, presenter: bool = False) -> go.Figure:
    """Loss, accuracy and the gradient reaching the first and last word, against epochs (fractional: reports come
    about every second). ``curves`` holds arrays (N,) named train_loss, heldout_loss, train_accuracy,
    heldout_accuracy, grad_first, grad_last; the x range is fixed to the whole training so the curves grow into it."""
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.08,
                        subplot_titles=("Loss", "Accuracy", "Gradient reaching the word (log)"))  # fmt: skip
    for split, key in (("training", "train"), ("held-out", "heldout")):
        style = SPLITS[split]
        for col, what in ((1, "loss"), (2, "accuracy")):
            fig.add_scatter(
                x=epochs, y=curves[f"{key}_{what}"], name=f"{split} {what}", mode="lines+markers", row=1, col=col,
                line={"color": style["color"], "dash": style["dash"], "width": 2}, marker={"symbol": style["symbol"], "size": 5},
                hovertemplate=f"epoch %{{x:.2f}}: {split} {what} %{{y:.3f}}<extra></extra>",
            )  # fmt: skip
    for end, key in (("first word", "grad_first"), ("last word", "grad_last")):
        style = WORD_ENDS[end]
        values = np.clip(np.asarray(curves[key], dtype=float), 1e-30, None)  # (N,) log axis: no zeros
        fig.add_scatter(
            x=epochs, y=values, name=f"‖∂loss/∂x‖, {end}", mode="lines+markers", row=1, col=3,
            line={"color": style["color"], "width": 2}, marker={"symbol": style["symbol"], "size": 6},
            hovertemplate=f"epoch %{{x:.2f}}: gradient at the {end} %{{y:.3g}}<extra></extra>",
        )  # fmt: skip
    fig.add_hline(y=0.5, line={"dash": "dot", "color": "#777", "width": 1}, row=1, col=2)
    layout = base_layout(height=360, presenter=presenter)
    layout["margin"] = {**layout["margin"], "b": 110}
    fig.update_layout(**layout, legend={"orientation": "h", "y": -0.32, "x": 0})
    fig.update_xaxes(title_text="epoch", range=[0, max(total_epochs, 1) + 0.05])
    losses = np.concatenate([np.asarray(curves["train_loss"], float), np.asarray(curves["heldout_loss"], float)])
    top = max(0.8, float(np.nanmax(losses)) * 1.05) if losses.size and np.isfinite(losses).any() else 0.8
    fig.update_yaxes(range=[0, top], row=1, col=1)  # from 0: a fall from ln 2 = 0.69 (guessing) shows as learning
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=3)
    return readable_axes(fig, presenter)


def memory_reference_figure(fillers: list[int], accuracy: dict[str, np.ndarray], presenter: bool = False) -> go.Figure:
    """Held-out accuracy against L, one line per cell (the median over seeds) with the seeds' range as a band.

    Shapes: fillers (K,); accuracy[cell] (S, K), one row per seed.
    """
    fig = go.Figure()
    x = np.asarray(fillers)
    for label, runs in accuracy.items():
        runs = np.asarray(runs, dtype=float)  # (S, K)
        style = CELL_STYLE.get(label, {"color": "#333", "symbol": "circle", "dash": "solid"})
        low, high, mid = runs.min(axis=0), runs.max(axis=0), np.median(runs, axis=0)  # (K,)
        fig.add_scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([high, low[::-1]]), fill="toself", mode="lines",
                        line={"width": 0}, fillcolor=style["color"], opacity=0.2, hoverinfo="skip", showlegend=False)  # fmt: skip
        fig.add_scatter(
            x=x, y=mid, name=label, mode="lines+markers",
            line={"color": style["color"], "dash": style["dash"], "width": 3}, marker={"symbol": style["symbol"], "size": 9},
            customdata=np.stack([low, high], axis=1),
            hovertemplate=f"{label}, L = %{{x}}: %{{y:.2f}} (seeds %{{customdata[0]:.2f}} to %{{customdata[1]:.2f}})<extra></extra>",
        )  # fmt: skip
    fig.add_hline(
        y=0.5, line={"dash": "dot", "color": "#777", "width": 2}, annotation_text="chance", annotation_position="bottom right"
    )
    fig.update_layout(**base_layout(height=340, presenter=presenter), legend={"orientation": "h", "y": 1.1, "x": 0})
    fig.update_xaxes(title_text="L: filler words between the deciding word and the answer", type="log",
                     tickvals=list(x), ticktext=[str(v) for v in x])  # fmt: skip
    fig.update_yaxes(title_text="held-out accuracy", range=[0.4, 1.02])
    return readable_axes(fig, presenter)
