"""Figures of the Hidden-state explorer, fed tiny arrays: traces, values, fixed ranges, frames and escaping."""

from __future__ import annotations

import numpy as np

from rnn_core.figures.atlas import ATLAS_COLUMNS, background_traces, state_map_figure, unit_atlas_figure, unit_figure

SAMPLE_XY = np.array([[-2.0, -1.0], [0.0, 0.5], [3.0, 1.0], [1.0, -0.5]])
PATH_A = np.array([[0.0, 0.0], [1.0, 0.2], [2.0, 0.1]])  # h_0 and two words
PATH_B = np.array([[0.0, 0.0], [-1.0, 0.3], [-0.5, 0.4], [0.5, 0.6]])  # h_0 and three words


def two_paths(classes=("positive",), **kwargs):
    c = len(classes)
    probs = np.full((4, c), 1 / c)
    background = background_traces(SAMPLE_XY, probs, np.array([0, 1, 2, 0]) % c, ["bad", "the", "good", "<b>x</b>"], classes)
    return state_map_figure(
        [["good", "film"], ["not", "<b>bad</b>", "!"]],
        [PATH_A, PATH_B],
        [np.full((3, c), 0.6), np.full((4, c), 0.4)],
        ["good film", "not <b>bad</b> !"],
        background,
        np.array([0.5, 0.2]),
        classes,
        **kwargs,
    )


def test_state_map_paths_frames_and_fixed_ranges():
    fig = two_paths()
    background, a, b = fig.data
    assert len(background.x) == 4 and background.marker.cmin == 0 and background.marker.cmax == 1
    np.testing.assert_allclose(np.c_[a.x, a.y], PATH_A)
    np.testing.assert_allclose(np.c_[b.x, b.y], PATH_B)
    assert list(a.text) == ["h₀", "good", "film"] and list(b.text) == ["", "not", "&lt;b&gt;bad&lt;/b&gt;", "!"]
    assert b.name == "not &lt;b&gt;bad&lt;/b&gt; !" and list(a.marker.symbol) == ["circle", "arrow", "arrow"]
    assert "after “film” (word 2): P(positive) 0.600" in a.hovertext[2]
    assert len(fig.frames) == 3  # one per word of the longer review
    first, last = fig.frames[0].data, fig.frames[-1].data
    assert [len(d.x) for d in first] == [2, 2] and [len(d.x) for d in last] == [3, 4]  # the shorter path stays whole
    assert list(fig.frames[0].traces) == [1, 2]
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert x0 < -2 and x1 > 3 and y0 < -1 and y1 > 1 and fig.layout.xaxis.autorange is False
    assert fig.layout.xaxis.title.text == "axis 1: 50% of the variance" and fig.layout.sliders[0].active == 2


def test_zoom_fits_the_paths_and_three_classes_get_one_trace_each():
    fig = two_paths(classes=("negative", "neutral", "positive"), zoom=True)
    x0, x1 = fig.layout.xaxis.range
    assert -2 < x0 < -1 and 2 < x1 < 3  # the sample's -2 and 3 are left out
    names = [d.name for d in fig.data[:3]]
    assert names == ["training states: ▼ negative", "training states: ● neutral", "training states: ▲ positive"]
    assert [d.marker.symbol for d in fig.data[:3]] == ["triangle-down", "circle", "triangle-up"]
    assert "after “good” (word 1): negative 0.600 · neutral 0.600 · positive 0.600" == fig.data[3].hovertext[1]
    assert list(fig.data[0].text) == ["bad", "&lt;b&gt;x&lt;/b&gt;"]  # sample words escaped, by class


def test_presenter_mode_enlarges_type():
    small, big = two_paths(), two_paths(presenter=True)
    assert big.layout.font.size > small.layout.font.size and big.layout.height > small.layout.height
    assert big.layout.xaxis.tickfont.size > small.layout.xaxis.tickfont.size
    assert big.layout.legend.font.size > small.layout.legend.font.size


def test_unit_figure_fixed_scales_and_gates():
    words = ["not", "<i>good</i>", "."]
    h = np.array([0.1, -0.5, 0.9])
    rnn = unit_figure(words, 7, h)
    assert len(rnn.data) == 1 and list(rnn.data[0].y) == list(h) and tuple(rnn.layout.yaxis.range) == (-1.05, 1.05)
    assert list(rnn.layout.xaxis.ticktext) == ["1. not", "2. &lt;i&gt;good&lt;/i&gt;", "3. ."]
    gates = {"input": np.array([0.2, 0.3, 0.4]), "forget": np.array([0.9, 0.8, 0.7]), "output": np.array([0.5, 0.5, 0.5])}
    lstm = unit_figure(words, 7, h, gates, candidate=np.array([0.3, -0.2, 0.1]), memory=np.array([1.5, -2.0, 0.3]))
    by_name = {d.name: d for d in lstm.data}
    assert set(by_name) == {"h (unit 7)", "candidate (tanh)", "input gate", "forget gate", "output gate"}
    assert by_name["forget gate"].yaxis == "y2" and tuple(lstm.layout.yaxis2.range) == (-0.03, 1.03)
    np.testing.assert_allclose(np.array(by_name["h (unit 7)"].customdata)[:, 1], [1.5, -2.0, 0.3])  # c in the hover
    assert "memory cell c" in by_name["h (unit 7)"].hovertemplate


def test_unit_atlas_small_multiples_in_order():
    hidden = np.array([[0.5, -1.0, 0.0], [1.0, 0.2, -0.4]])  # (T = 2, H = 3)
    order = np.array([1, 2, 0])
    direction = np.array([0.3, -2.0, 0.1])
    fig = unit_atlas_figure(["a", "b"], hidden, order, direction, selected=2)
    labels = next(d for d in fig.data if d.mode == "text")
    assert list(labels.text) == ["unit 1 · W -2.00", "unit 2 · W +0.10", "unit 0 · W +0.30"]
    lines = {d.name: d for d in fig.data if d.mode == "lines+markers"}
    positive = lines["pushes towards positive while above 0"]
    custom = np.array(positive.customdata)  # (cells * (T + 1), 3): unit, word number, h
    assert custom[:, 0].tolist() == [2, 2, 2, 0, 0, 0]
    y = np.array(positive.y, dtype=float)
    np.testing.assert_allclose((y[:2] - 0.5) / 0.45, hidden[:, 2])  # cell 1 (unit 2) sits in the top row
    assert np.isnan(y[2])  # a gap between two units' lines
    negative = lines["pushes towards negative while above 0"]
    np.testing.assert_allclose((np.array(negative.y, dtype=float)[:2] - 0.5) / 0.45, hidden[:, 1])
    framed = [d for d in fig.data if d.name == "unit 2 (inspected)"]
    assert framed and min(framed[0].x) == 1.0  # the second cell
    assert fig.layout.clickmode == "event+select" and ATLAS_COLUMNS == 8
