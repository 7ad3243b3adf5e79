"""Export for slides and spreadsheets, without Streamlit: file names, the CSV tables (their numbers are the trace's),
and the handout's HTML pieces (user text escaped)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from rnn_core.explain.export import file_stem, influence_table, state_matrix_table, to_csv, trace_table
from rnn_core.explain.trace import trace
from rnn_core.figures import handout as doc
from rnn_core.text.tokenizer import is_punctuation

from .conftest import make_model

TEXT = "it 's not good , the movie"


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "page, review, chart, expected",
    [
        ("vanishing", "That was phenomenal!", "influence", "rnn-lens_vanishing_influence_that-was-phenomenal"),
        ("word_by_word", "", "", "rnn-lens_word-by-word"),
        ("softmax", "Ça a l'air génial, vraiment très très bien", "", "rnn-lens_softmax_ca-a-l-air-genial"),
        ("home", "<script>alert(1)</script> ../../etc/passwd", "pair", "rnn-lens_home_pair_script-alert-1-script-etc"),
        ("one_step", "😀🎬 " + "x" * 80, "network", "rnn-lens_one-step_network_" + "x" * 48),
    ],
)
def test_file_names_name_the_page_the_chart_and_the_first_words(page, review, chart, expected):
    name = file_stem(page, review, chart)
    assert name == expected
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
def test_the_trace_csv_holds_the_trace_exactly(tiny_vocab, cell, head):
    tr = trace(make_model(cell, head, tiny_vocab), TEXT)
    rows = read(to_csv(trace_table(tr)))
    header, body = rows[0], rows[1:]
    H, C = tr.hidden.shape[1], len(tr.classes)
    assert len(body) == tr.seq_len
    assert header[:4] == ["step", "token", "index", "known"]
    assert len(header) == 4 + 2 * C + H * (1 + len(tr.gates))
    col = {name: k for k, name in enumerate(header)}
    assert [r[col["token"]] for r in body] == tr.words
    assert [int(r[col["index"]]) for r in body] == tr.ids
    assert [r[col["known"]] == "1" for r in body] == tr.known

    def values(prefix: str, width: int) -> np.ndarray:
        first = col[f"{prefix}_0"] if f"{prefix}_0" in col else col[f"{prefix}_{tr.classes[0]}"]
        return np.array([[float(v) for v in r[first : first + width]] for r in body], dtype=np.float32)

    # 9 significant digits read back as the very same float32 numbers
    assert np.array_equal(values("p", C), tr.probs)
    assert np.array_equal(values("logit", C), tr.logits)
    assert np.array_equal(values("h", H), tr.hidden)
    for gate, g in tr.gates.items():
        assert np.array_equal(values(gate, H), g), gate


def test_influence_and_state_matrix_tables():
    words = ["not", "good", ",", "bad"]
    rows = {"RNN": np.array([1e-7, 0.25, 0.5, 1.0]), "LSTM": np.array([0.5, 0.5, 0.75, 1.0])}
    table = influence_table(words, rows)
    body = read(to_csv(table))
    assert body[0] == ["step", "word", "influence_RNN", "influence_LSTM"]
    assert [float(v) for v in body[1][2:]] == [1e-7, 0.5] and body[3][1] == ","
    matrix = np.full((3, 3), np.nan)
    matrix[np.tril_indices(3)] = [1.0, 0.5, 1.0, 0.25, 0.5, 1.0]
    wide = read(to_csv(state_matrix_table(words, matrix, first=1)))
    assert wide[0] == ["step", "word", "t_2", "t_3", "t_4"]
    assert wide[1] == ["2", "good", "1", "", ""]  # NaN above the diagonal: an empty cell
    assert wide[3] == ["4", "bad", "0.25", "0.5", "1"]


def test_a_formula_cannot_start_a_cell(tiny_vocab):
    """Cells of user text are single tokens: a formula typed in a review is split before it can reach a spreadsheet."""
    tr = trace(make_model("rnn", "sigmoid", tiny_vocab), '=HYPERLINK("http://x.y","click") +cmd @SUM(1)')
    tokens = [r[1] for r in read(to_csv(trace_table(tr)))[1:]]
    assert all(len(t) == 1 or not t.startswith(("=", "+", "-", "@")) for t in tokens), tokens


@pytest.mark.parametrize(
    "token, expected", [("!", True), ("...", True), ("--", True), ("-lrb-", True), ("``", True), ("'s", False), ("3", False)]
)
def test_punctuation(token, expected):
    assert is_punctuation(token) is expected


def test_handout_pieces_escape_user_text():
    markup = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
    pieces = [doc.text(markup), doc.table(["word"], [[markup]]), doc.equations([markup]), doc.verdict("positive", markup, 0.5)]
    for piece in pieces:
        assert "<script>" not in piece and "<img" not in piece and "&lt;script&gt;" in piece
    page = doc.document(markup, markup, [], [doc.Section(markup, markup, (doc.text(markup),))])
    assert page.count("<script") == 2  # Plotly's own and the save buttons', nothing from the review
    assert "<img" not in page


def test_the_card_reads_as_rows():
    card = {"name": "m", "test_accuracy": 0.85612, "classes": ["positive"], "hyper_parameters": {"lr": 0.003},
            "test_per_class": {"negative": {"precision": 0.5, "recall": 0.25}}}  # fmt: skip
    rows = dict(doc.card_rows(card))
    assert rows == {
        "name": "m",
        "test_accuracy": "0.8561",
        "classes": "positive",
        "hyper_parameters.lr": "0.003",
        "test_per_class.negative": "precision 0.5, recall 0.25",
    }
