"""Colours, scales and symbols shared by every figure, so each page reads the same way."""

from __future__ import annotations

# Okabe-Ito colours (safe for the common colour-vision deficiencies), one per class, with a symbol too.
CLASS_COLORS = {"negative": "#D55E00", "neutral": "#7F7F7F", "positive": "#0072B2"}
CLASS_SYMBOLS = {"negative": "▼", "neutral": "●", "positive": "▲"}
CLASS_MARKERS = {"negative": "triangle-down", "neutral": "circle", "positive": "triangle-up"}
# Diverging ColorBrewer scale for values on [-1, 1] (tanh): green below 0, white at 0, purple above. Neither end is
# near the class colours, so blue and vermillion keep their one meaning on every page (PuOr's orange was not).
DIVERGING = "PRGn_r"
SEQUENTIAL = "Viridis"  # for magnitudes on [0, max] (gradients, influence)
ACCENT = "#CC79A7"  # highlights the current step
FONT_SIZE = {False: 13, True: 20}  # normal, presenter mode (a projector at the back of a room)
FONT = "Inter, Segoe UI, Helvetica, Arial, sans-serif"


def class_label(name: str) -> str:
    """A class name with its symbol, so colour is never the only cue."""
    return f"{CLASS_SYMBOLS.get(name, '')} {name}".strip()


def readable_axes(fig, presenter: bool = False):
    """Tick labels and axis titles at the figure's font size, and the legend's too unless the figure sets it
    (Streamlit's chart theme sets smaller ones)."""
    size = FONT_SIZE[presenter]
    fig.update_xaxes(tickfont_size=size - 1, title_font_size=size)
    fig.update_yaxes(tickfont_size=size - 1, title_font_size=size)
    if fig.layout.legend.font.size is None:
        fig.update_layout(legend_font_size=size - 1)
    return fig


def base_layout(height: int = 320, presenter: bool = False, **extra) -> dict:
    """Layout defaults: readable fonts (larger in presenter mode), tight margins, white background."""
    size = FONT_SIZE[presenter]
    return {
        "height": int(height * (1.25 if presenter else 1)),
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "font": {"family": FONT, "size": size},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"size": size}},
        **extra,
    }
