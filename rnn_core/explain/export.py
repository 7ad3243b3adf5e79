"""What a page shows, as tables of numbers for download (CSV), and the names of the files a lecturer saves.

Numbers are written with 9 significant digits: enough to read every float32 of a trace back exactly, so a
spreadsheet (or a test) holds the same values the page computed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # for annotations only: the file names and tables need no torch
    from .trace import Trace

FILE_WORDS = 5  # the review's first words in a file name: enough to tell two reviews apart on a slide folder
FILE_CHARS = 48  # ... and at most this many characters of them
Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    """A header and rows of cells; ``name`` names the file ("trace", "influence", "state-matrix")."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def file_stem(page: str, review: str = "", chart: str = "") -> str:
    """'rnn-lens_vanishing_heatmap_that-was-phenomenal': the app, the page, the chart, the review's first words.

    Only ASCII letters, digits and hyphens: a safe file name on every system, whatever the review holds.
    """
    parts = ["rnn-lens", _slug(page), _slug(chart)]
    ascii_text = unicodedata.normalize("NFKD", review).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:FILE_WORDS]
    parts.append("-".join(words)[:FILE_CHARS].strip("-"))
    return "_".join(p for p in parts if p)


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def _number(value: Cell) -> Cell:
    """A float with 9 significant digits (a float32 reads back exactly); NaN as an empty cell."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else format(float(value), ".9g")
    if isinstance(value, np.integer):
        return int(value)
    return value


def to_csv(table: Table) -> str:
    """The table as CSV text (comma-separated, quoted where a cell needs it, one line per row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows([_number(v) for v in row] for row in table.rows)
    return out.getvalue()


def trace_table(tr: Trace) -> Table:
    """One row per word: the word, its dictionary index, the answer after it, the hidden state, and the gates.

    Columns: step (1-based), token (as written on screen), index, known (1/0), p_<class>, logit_<class>,
    h_0 .. h_{H-1}, then for LSTM/GRU <gate>_0 .. <gate>_{H-1} for every gate of the cell.
    """
    hidden_size = tr.hidden.shape[1]
    units = range(hidden_size)
    header = (
        ("step", "token", "index", "known")
        + tuple(f"p_{c}" for c in tr.classes)
        + tuple(f"logit_{c}" for c in tr.classes)
        + tuple(f"h_{j}" for j in units)
        + tuple(f"{gate}_{j}" for gate in tr.gates for j in units)
    )
    rows = tuple(
        (
            t + 1,
            word,
            tr.ids[t],
            tr.known[t],
            *tr.probs[t],
            *tr.logits[t],
            *tr.hidden[t],
            *(v for g in tr.gates.values() for v in g[t]),
        )
        for t, word in enumerate(tr.words)
    )
    return Table("trace", header, rows)


def influence_table(words: Sequence[str], rows: Mapping[str, np.ndarray]) -> Table:
    """One row per word: its influence on the final answer in each model (the heatmap's raw values, not scaled)."""
    header = ("step", "word", *(f"influence_{label}" for label in rows))
    values = [np.asarray(v, dtype=float) for v in rows.values()]
    return Table("influence", header, tuple((t + 1, w, *(v[t] for v in values)) for t, w in enumerate(words)))


def state_matrix_table(words: Sequence[str], matrix: np.ndarray, first: int = 0) -> Table:
    """The state matrix, wide: row s (after word s), column t_<k> (nudged at word k); empty above the diagonal.

    ``words`` are the review's words; ``first`` is the 0-based word of the matrix's first row and column.
    """
    size = matrix.shape[0]
    steps = range(first, first + size)
    header = ("step", "word", *(f"t_{k + 1}" for k in steps))
    rows = tuple((s + 1, words[s], *matrix[i]) for i, s in enumerate(steps))
    return Table("state-matrix", header, rows)
