"""Figures of the RNN-shapes and Text-completion pages, from tiny arrays, without Streamlit."""

from __future__ import annotations

import numpy as np

from rnn_core.figures.shapes import (
    PROB_FLOOR,
    SHAPES,
    clue_influence_figure,
    forgetting_figure,
    next_words_bars,
    next_words_table,
    shapes_figure,
    start_state_figure,
)


def test_the_four_shapes_are_drawn_with_their_names():
    fig = shapes_figure()
    titles = [a.text for a in fig.layout.annotations if a.text and a.text.startswith("<b>")]
    assert [t.split("</b>")[0][3:] for t in titles] == [s.name for s in SHAPES]
    assert "not in RNN Lens" in titles[-1]
    boxes = [s for s in fig.layout.shapes if s.type == "rect"]
    expected = sum(len(s.inputs) + sum(bool(i) for i in s.inputs) + sum(bool(o) for o in s.outputs) for s in SHAPES)
    assert len(boxes) == expected  # a hidden state per step, an input or output box where the shape has one


def test_next_words_table_holds_the_probabilities_and_escapes_words():
    probs = np.array([[0.5, 0.2, 0.1], [0.3, 0.25, 0.2]])
    words = [["the", "<script>", "a"], ["film", "is", "&"]]
    fig = next_words_table(["(start)", "<b>x"], words, probs, ["<script>", None], "LSTM")
    (heat,) = fig.data
    np.testing.assert_allclose(np.asarray(heat.z), probs)
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert heat.text[0][1] == "<b>&lt;script&gt;</b>"  # the word that came, in bold, escaped
    assert heat.text[1][2] == "&amp;" and "&lt;b&gt;x" in heat.y[1]
    assert "<script>" not in str(fig.to_json())


def test_next_words_bars_on_a_fixed_scale():
    fig = next_words_bars(["is", "'s", "<unk>"], np.array([0.33, 0.12, 0.05]), "film", "RNN")
    (bar,) = fig.data
    assert list(fig.layout.xaxis.range) == [0, 1] and bar.orientation == "h"
    np.testing.assert_allclose(bar.x, [0.33, 0.12, 0.05, 0.5])  # the last bar: every other entry together
    assert bar.y[2] == "3. &lt;unk&gt;" and bar.y[3] == "the other 9,998" and bar.text[0] == "0.330"


def test_forgetting_figures():
    right = {"RNN": np.array([0.2, 0.05]), "LSTM": np.array([0.3, 0.2])}
    swapped = {"RNN": np.array([0.01, 0.04]), "LSTM": np.array([0.01, 0.02])}
    fig = forgetting_figure([1, 9], right, swapped, "than", "very")
    assert [t.name for t in fig.data] == ["RNN, as written", "RNN, with “very”", "LSTM, as written", "LSTM, with “very”"]
    np.testing.assert_allclose(fig.data[3].y, [0.01, 0.02])
    assert fig.layout.yaxis.type == "log" and list(fig.layout.yaxis.range) == [PROB_FLOOR, 0]
    clue = clue_influence_figure([1, 9], {"RNN": np.array([1.0, 1e-3])}, "more")
    np.testing.assert_allclose(clue.data[0].y, [1.0, 1e-3])
    assert list(clue.layout.xaxis.tickvals) == [1, 9]


def test_start_state_figure_uses_the_tanh_scale():
    fig = start_state_figure(np.array([[0.5, -0.2], [-0.9, 0.1]]), ["negative", "positive"])
    (heat,) = fig.data
    assert (heat.zmin, heat.zmax) == (-1, 1) and list(heat.y) == ["negative", "positive"]
