"""How the pages show figures: chart options (a modebar for slides), presenter mode, and figures shared between sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

import streamlit as st

from rnn_core.explain.export import file_stem
from rnn_core.figures.sent import finish

IMAGE_FORMATS = ("PNG", "SVG")  # the sidebar's choice for the modebar's download button
IMAGE_SCALE = 2  # PNG at twice the chart's size on screen: sharp on a projector and in a printed handout
# Plotly's buttons a lecturer does not need; left: download (toImage), reset view (resetScale2d) and Streamlit's fullscreen.
HIDDEN_BUTTONS = (
    "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines", "toggleHover",
    "hoverClosestCartesian", "hoverCompareCartesian", "resetViews", "sendChartToCloud", "downloadJson",
)  # fmt: skip


def image_format() -> str:
    """'png' or 'svg', as chosen in the sidebar."""
    chosen = st.session_state.get("image_format")
    return (chosen if chosen in IMAGE_FORMATS else IMAGE_FORMATS[0]).lower()


def image_format_control() -> None:
    """The sidebar's choice of format for every chart's download button (Plotly's modebar offers one format)."""
    st.segmented_control(
        "Chart downloads", IMAGE_FORMATS, default=IMAGE_FORMATS[0], required=True, key="image_format",
        persist_state="session", help="The camera above each chart saves it for slides: PNG at twice its size, or SVG.",
    )  # fmt: skip


def chart_options(page: str, review: str = "", chart: str = "") -> dict:
    """Keyword arguments for st.plotly_chart: full width, and a modebar that downloads the chart for slides.

    The file is named after the page, the chart and the review's first words; PNG at twice the screen's size.
    """
    options = {"format": image_format(), "filename": file_stem(page, review, chart), "scale": IMAGE_SCALE}
    config = {"displayModeBar": True, "displaylogo": False, "modeBarButtonsToRemove": list(HIDDEN_BUTTONS),
              "toImageButtonOptions": options}  # fmt: skip
    return {"config": config, "width": "stretch"}


def page_charts(page: str, review: str = "") -> Callable[[str], dict]:
    """chart_options for one page and review, by chart name: ``charts = page_charts(...)``, ``**charts("heatmap")``."""
    return partial(chart_options, page, review)


class _DefaultChart(Mapping):
    """CHART: chart_options for a chart that names no page, worked out when a page uses it (the format can change)."""

    def _options(self) -> dict:
        return chart_options("chart")

    def __getitem__(self, key: str):
        return self._options()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options())

    def __len__(self) -> int:
        return len(self._options())


CHART = _DefaultChart()  # st.plotly_chart(fig, **CHART): the modebar, a generic file name


def presenter() -> bool:
    """Presenter mode (sidebar toggle): larger type, fewer controls."""
    return bool(st.session_state.get("presenter", False))


def cached_figure(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, built once for every session that asks with the same arguments.

    The figure is shared and finished (rnn_core.figures.sent): pass it to st.plotly_chart as it is, never change it. Building a Plotly figure is most
    of a page run (the Word-by-word figure is about 70% of it), and a class that opens one shared link, or the
    same default view, asks for the same figure thirty times at once: one builds it, the others wait and share it.
    """
    return _figure(builder, f"{builder.__module__}.{builder.__qualname__}", args, kwargs)


@st.cache_resource(max_entries=48, ttl=3600, show_spinner=False)  # a 20-word Word-by-word figure holds ~4 MB
def _figure(_builder, name: str, args: tuple, kwargs: dict):
    # Keyed by the builder's name and the arguments' values; finished, so that showing it again copies nothing.
    return finish(_builder(*args, **kwargs))
