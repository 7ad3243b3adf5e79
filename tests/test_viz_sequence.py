"""Word-by-word figures without Streamlit: tiny arrays in, the figure's traces, frames and ranges checked."""

import numpy as np
import pytest

from rnn_core.figures.sequence import GRID, token_deltas, word_by_word_figure
from rnn_core.figures.tokens import token_strip_html

TOKENS = ["not", "bad", "<b>x</b>"]
IDS = [5, 1234, 1]


def make_fig(classes=("positive",)):
    rng = np.random.default_rng(0)
    hidden = np.tanh(rng.normal(size=(3, 4)))  # (T, H)
    probs = rng.uniform(size=(3, len(classes)))  # (T, C)
    return word_by_word_figure(TOKENS, IDS, hidden, probs, classes), hidden, probs


def test_heatmap_holds_the_hidden_state_on_a_fixed_scale():
    fig, hidden, _ = make_fig()
    heat = next(t for t in fig.data if t.name == "hidden")
    np.testing.assert_array_equal(np.array(heat.z), hidden.T)
    assert (heat.zmin, heat.zmax, heat.zmid) == (-1, 1, 0)


def test_one_frame_per_word_revealing_the_answer_step_by_step():
    fig, _, probs = make_fig()
    assert [f.name for f in fig.frames] == ["0", "1", "2"]
    for t, frame in enumerate(fig.frames):
        line = frame.data[2]
        np.testing.assert_allclose(line.y, probs[: t + 1, 0])
        cover_x = frame.data[1].x
        assert cover_x[0] == pytest.approx(t + 0.5)  # words after t are covered
        onehot = frame.data[-3]  # then the two heatmap stubs
        assert (onehot.y[0], onehot.x[0]) == divmod(IDS[t], GRID)
    assert fig.layout.yaxis3.range == (0, 1)
    assert len(fig.layout.sliders[0].steps) == 3


def test_three_class_heads_draw_one_line_per_class_with_a_legend():
    fig, _, probs = make_fig(("negative", "neutral", "positive"))
    names = [t.name for t in fig.data if t.showlegend]
    assert names == ["▼ negative", "● neutral", "▲ positive"]
    np.testing.assert_allclose(fig.frames[-1].data[4].y, probs[:, 2])


def test_token_deltas_start_from_the_answer_before_any_word():
    probs = np.array([[0.6], [0.2], [0.9]])
    np.testing.assert_allclose(token_deltas(probs, 0.5), [0.1, -0.4, 0.7])


def test_token_strip_escapes_user_text():
    html = token_strip_html(TOKENS, IDS, [True, True, False], [0.1, -0.2, 0.0])
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "#1234" in html and "&lt;unk&gt;" in html


def test_answer_panel_draws_the_dotted_half_line_its_caption_promises():
    fig, _, _ = make_fig()
    halves = [s for s in fig.layout.shapes if s.y0 == s.y1 == 0.5 and s.line.dash == "dot"]
    assert len(halves) == 1 and halves[0].yref == "y3"  # panel 3: the answer after each word


def test_word_labels_over_the_network_alternate_height():
    fig, _, _ = make_fig()
    words = next(t for t in fig.data if t.name == "words")
    assert list(words.text) == TOKENS
    assert words.y[0] == words.y[2] != words.y[1]  # neighbours on different lines
    assert max(words.y) < fig.layout.yaxis.range[1]
