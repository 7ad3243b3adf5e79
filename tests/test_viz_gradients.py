"""Figures of the Vanishing-gradients page, fed tiny arrays: traces, values, scales and axis titles."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core.figures.gradients import LOG_FLOOR, decay_figure, first_word_figure, influence_heatmap, state_triangle

TOKENS = ["not", "good", "at", "all"]


def test_influence_heatmap_rows_normalised_on_a_log_scale():
    rows = {"RNN": np.array([1e-9, 1e-3, 0.1, 0.2]), "LSTM": np.array([2.0, 1.0, 4.0, 0.5])}
    fig = influence_heatmap(TOKENS, rows)
    (heat,) = fig.data
    z = np.array(heat.z)
    assert z.shape == (2, 4) and list(heat.y) == ["RNN", "LSTM"]
    assert (heat.zmin, heat.zmax) == (LOG_FLOOR, 0)
    np.testing.assert_allclose(z[0], [LOG_FLOOR, np.log10(5e-3), np.log10(0.5), 0.0])  # 1e-9 / 0.2 is below the floor
    np.testing.assert_allclose(z[1], np.log10([0.5, 0.25, 1.0, 0.125]))
    custom = np.array(heat.customdata)  # (R, T, 2): raw, relative
    np.testing.assert_allclose(custom[..., 0], np.stack(list(rows.values())))
    np.testing.assert_allclose(custom[1, :, 1], [0.5, 0.25, 1.0, 0.125])
    assert list(heat.text[0]) == TOKENS
    assert fig.layout.xaxis.title.text.startswith("word")
    assert list(fig.layout.xaxis.ticktext) == ["1. not", "2. good", "3. at", "4. all"]
    assert list(heat.x) == list(fig.layout.xaxis.tickvals) == [1, 2, 3, 4]  # hover's "word %{x}" counts from 1
    assert list(heat.colorbar.ticktext) == ["10⁻⁶", "10⁻⁴", "10⁻²", "1"]  # every other decade: readable when short
    assert list(heat.colorbar.tickvals) == [-6, -4, -2, 0] and heat.colorbar.title.side == "right"


def test_long_reviews_get_thinned_word_labels():
    tokens = [f"w{i}" for i in range(100)]
    fig = influence_heatmap(tokens, {"RNN": np.linspace(0.01, 1, 100)})
    assert len(fig.layout.xaxis.tickvals) <= 40
    assert np.array(fig.data[0].z).shape == (1, 100)


def test_state_triangle_lower_triangle_log_colours():
    m = np.full((4, 4), np.nan)
    m[np.tril_indices(4)] = [1, 0.5, 1, 1e-8, 0.1, 1, 2.0, 0.01, 0.3, 1]
    fig = state_triangle(TOKENS, m, "GRU", first=10)
    (heat,) = fig.data
    z = np.array(heat.z, dtype=float)
    assert z.shape == (4, 4)
    assert np.isnan(z[np.triu_indices(4, 1)]).all()
    np.testing.assert_allclose(np.diag(z), 0.0)
    assert z[2, 0] == LOG_FLOOR and z[3, 0] == pytest.approx(np.log10(2.0))
    assert heat.zmin == LOG_FLOOR and heat.zmax >= np.log10(2.0)
    np.testing.assert_array_equal(np.array(heat.customdata, dtype=float), m)  # raw values for hover
    assert list(heat.x) == list(heat.y) == ["11. not", "12. good", "13. at", "14. all"]
    assert "GRU" in heat.hovertemplate
    assert fig.layout.xaxis.title.text.startswith("t") and fig.layout.yaxis.title.text.startswith("s")
    assert fig.layout.yaxis.autorange == "reversed"  # s grows downwards: the triangle sits below the diagonal


def test_state_triangle_thins_labels_of_long_reviews():
    tokens = [f"w{i}" for i in range(100)]
    fig = state_triangle(tokens, np.tril(np.ones((100, 100))), "RNN")
    assert len(fig.layout.xaxis.tickvals) <= 30 and fig.layout.xaxis.tickvals[0] == "1. w0"


def test_first_word_figure_bars_in_percent():
    left = {"RNN": {3: 0.5, 6: 0.1}, "LSTM": {3: 0.9, 6: 1.2}}
    fig = first_word_figure(left, "terrible")
    assert [b.name for b in fig.data] == ["3-word review", "6-word review", "100% = as strong as alone"]
    assert [s.y0 for s in fig.layout.shapes] == [100] and fig.layout.shapes[0].layer == "below"  # bars stay whole
    assert not fig.layout.annotations  # nothing drawn over the bars
    np.testing.assert_allclose(fig.data[0].y, [50, 90])
    np.testing.assert_allclose(fig.data[1].y, [10, 120])
    assert list(fig.data[1].x) == ["RNN", "LSTM"]
    assert fig.data[0].customdata[0] == "terrible" and "terrible" not in fig.data[0].hovertemplate
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] >= 120
    assert fig.layout.yaxis.title.text == "% of its influence left"


def test_decay_figure_relative_to_last_word_log_y():
    curves = {"RNN": np.array([2.0, 1.0, 0.02]), "GRU": np.array([1.0, 0.9, 0.8])}
    fig = decay_figure(curves)
    assert [t.name for t in fig.data] == ["RNN", "GRU"]
    np.testing.assert_allclose(fig.data[0].y, [1.0, 0.5, 0.01])
    np.testing.assert_allclose(fig.data[0].customdata, curves["RNN"])
    np.testing.assert_allclose(fig.data[0].x, [0, 1, 2])
    assert fig.layout.yaxis.type == "log"
    low, high = fig.layout.yaxis.range
    assert low <= -2 and high >= 0
    assert fig.data[0].line.dash != fig.data[1].line.dash and fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.layout.xaxis.title.text.startswith("distance from the end")
