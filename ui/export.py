"""'Download data' on every page: the numbers behind the charts as CSV, built only when the button is clicked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import streamlit as st

from rnn_core import Trace
from rnn_core.explain.export import Table, file_stem, influence_table, state_matrix_table, to_csv, trace_table
from rnn_core.explain.gradients import ReviewGradients


def _csv(make: Callable[[], Table]) -> str:
    return to_csv(make())


def download_data(page: str, review: str, tables: Mapping[str, Callable[[], Table]]) -> None:
    """One 'Download data' button per table (label -> function that builds it), side by side.

    The tables are built in Streamlit's deferred download, on a click, so a page run never pays for them.
    """
    columns = st.columns(len(tables))
    for column, (label, make) in zip(columns, tables.items()):
        name = file_stem(page, review, label)
        column.download_button(
            f"Download data: {label} (CSV)",
            data=partial(_csv, make),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"csv_{page}_{'_'.join(label.split())}",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
            help="The numbers behind this page, one row per word, for a spreadsheet (9 significant digits: exact).",
        )


def trace_downloads(page: str, review: str, traces: Mapping[str, Trace]) -> None:
    """'Download data' for the traces a page shows (label -> trace): every word's index, state, answer and gates."""
    download_data(page, review, {label: partial(trace_table, tr) for label, tr in traces.items()})


def gradient_downloads(review: str, tr: Trace, influence: Mapping[str, np.ndarray], grads: ReviewGradients) -> None:
    """Vanishing gradients: the trace, each model's influence row, and the state matrix shown."""
    tables = {
        "trace": partial(trace_table, tr),
        "influence": partial(influence_table, tr.words, influence),
        "state matrix": partial(state_matrix_table, tr.words, grads.state_norms, grads.first_word),
    }
    download_data("vanishing", review, tables)
