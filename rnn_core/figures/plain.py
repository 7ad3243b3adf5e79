"""Figures written as plain dictionaries, for the charts rebuilt on every new review.

Plotly validates every property it is given, through make_subplots, update_layout, add_vline and the like: a
four-panel bar chart costs 60-100 ms that way (make_subplots alone about 30 ms), built as dictionaries under 5 ms.
A figure here is the JSON Plotly.js reads, wrapped in a Plotly figure without validation, so the pages use it as any
other; tests/test_plain_figures.py validates every such builder's output with Plotly and checks it sends the same
JSON, so a misspelt property still fails a test, only no longer at every page run.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import FONT_SIZE


def plain_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Plotly figure from trace and layout dictionaries (each trace with its "type"), not validated."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def readable_layout(layout: dict, presenter: bool = False) -> dict:
    """What style.readable_axes does to a Plotly figure, on a layout dictionary: tick labels and axis titles of every
    x and y axis (xaxis, yaxis and those of subplots) at the figure's font size, the legend's unless set. Returns the
    layout."""
    size = FONT_SIZE[presenter]
    for name in {"xaxis", "yaxis", *(k for k in layout if k.startswith(("xaxis", "yaxis")))}:
        axis = layout.setdefault(name, {})
        axis.setdefault("tickfont", {})["size"] = size - 1
        axis.setdefault("title", {}).setdefault("font", {})["size"] = size
    layout.setdefault("legend", {}).setdefault("font", {}).setdefault("size", size - 1)
    return layout


def vline(x: float, line: dict, xref: str = "x", yref: str = "y domain") -> dict:
    """A vertical line across the plot at x, as Figure.add_vline draws it."""
    return {"type": "line", "x0": x, "x1": x, "xref": xref, "y0": 0, "y1": 1, "yref": yref, "line": line}


def hline(y: float, line: dict, xref: str = "x domain", yref: str = "y") -> dict:
    """A horizontal line across the plot at y, as Figure.add_hline draws it."""
    return {"type": "line", "x0": 0, "x1": 1, "xref": xref, "y0": y, "y1": y, "yref": yref, "line": line}


def vrect(x0: float, x1: float, **style) -> dict:
    """A band from x0 to x1 over the plot's height, as Figure.add_vrect draws it."""
    return {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", **style}


def subplot_layout(titles: tuple[str, ...], rows: int = 1, title_size: int | None = None, **grid) -> dict:
    """The layout make_subplots(rows, cols=len(titles) // rows, subplot_titles=titles, **grid) makes (axes, domains,
    title annotations); the grid is computed once per shape and copied, the titles filled in (at ``title_size`` if
    given, else make_subplots' 16 px)."""
    layout = copy.deepcopy(_grid(rows, len(titles) // rows, tuple(sorted(grid.items()))))
    for note, title in zip(layout["annotations"], titles):
        note["text"] = title
        if title_size is not None:
            note["font"]["size"] = title_size
    return layout


def panel_titles(presenter: bool) -> int | None:
    """The size of subplot titles: make_subplots' own on a laptop, the figure's type size on a projector (its 16 px
    would sit below 19 px tick labels)."""
    return FONT_SIZE[True] if presenter else None


@lru_cache(maxsize=16)
def _grid(rows: int, cols: int, grid: tuple) -> dict:
    kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in grid}
    titles = [f"title {k}" for k in range(rows * cols)]
    layout = make_subplots(rows=rows, cols=cols, subplot_titles=titles, **kwargs).to_dict()["layout"]
    layout.pop("template", None)  # the figure gets Plotly's default template as every figure does
    return layout


@lru_cache(maxsize=8)
def colorscale(name: str) -> list[list]:
    """A named colour scale ("Viridis", "PRGn_r") as the stops Plotly writes for it (validation does that)."""
    return [list(stop) for stop in go.Heatmap(colorscale=name).colorscale]
