"""Word-by-word figures without Streamlit: tiny arrays in, the figures' traces, frames and ranges checked."""

import numpy as np
import pytest

from rnn_core.figures.compare import compare_figure
from rnn_core.figures.network import CELL_UNITS, WINDOW, WORD_Y, cell_units, window_start
from rnn_core.figures.sequence import (
    ANSWER_STATE_HEIGHT,
    GRID,
    NETWORK_HEIGHT,
    answer_state_figure,
    token_deltas,
    word_by_word_figure,
)
from rnn_core.figures.style import CLASS_COLORS
from rnn_core.figures.tokens import token_strip_html
from rnn_core.figures.word_axis import text_px, word_ticks
from tests.figdata import array

TOKENS = ["not", "bad", "<b>x</b>"]
IDS = [5, 1234, 1]


def arrays(seq_len=3, hidden_size=4, classes=("positive",), seed=0):
    rng = np.random.default_rng(seed)
    hidden = np.tanh(rng.normal(size=(seq_len, hidden_size)))  # (T, H)
    probs = rng.uniform(size=(seq_len, len(classes)))  # (T, C)
    return hidden, probs


def network(tokens=TOKENS, ids=IDS, classes=("positive",), **kw):
    hidden, probs = arrays(len(tokens), classes=classes)
    return word_by_word_figure(tokens, ids, hidden, probs, 0.5, **kw), hidden, probs


def frame_trace(frame, name):
    return next(d for d in frame.data if d.name == name)


def test_answer_state_heatmap_holds_the_hidden_state_on_a_fixed_scale():
    hidden, probs = arrays()
    fig = answer_state_figure(TOKENS, hidden, probs, ("positive",))
    heat = next(t for t in fig.data if t.name == "hidden")
    np.testing.assert_array_equal(np.array(heat.z), hidden.T)
    assert (heat.zmin, heat.zmax, heat.zmid) == (-1, 1, 0)
    line = next(t for t in fig.data if t.type == "scatter")
    np.testing.assert_allclose(line.y, probs[:, 0])
    assert fig.layout.meta["answer"] == pytest.approx(probs[:, -1].tolist(), abs=1e-6)  # the player's overlay dot
    assert fig.layout.yaxis.range == (0, 1) and fig.layout.height == ANSWER_STATE_HEIGHT[False]


def test_one_frame_per_word_and_the_figure_opens_on_the_last_word():
    fig, hidden, probs = network()
    assert [f.name for f in fig.frames] == ["0", "1", "2"]
    drawn = {i for i, d in enumerate(fig.data) if list(d.x) != [None]}  # all but the legend's colour key
    assert set(fig.frames[0].traces) == drawn  # every drawn trace named, so a frame without a redraw drops none
    for t, frame in enumerate(fig.frames):
        cells = frame_trace(frame, "h in the cell")
        colours = np.asarray(cells.marker.line.color).reshape(t + 1, -1)  # the words read so far, one column each
        np.testing.assert_allclose(colours, hidden[: t + 1], atol=1e-6)
        onehot = frame_trace(frame, "x_t")
        assert (onehot.y[0], onehot.x[0]) == divmod(IDS[t], GRID)
    last = frame_trace(fig.frames[-1], "h in the cell")
    shown = next(d for d in fig.data if d.name == "h in the cell")
    np.testing.assert_array_equal(np.asarray(shown.marker.line.color), np.asarray(last.marker.line.color))
    assert fig.layout.height == NETWORK_HEIGHT[False] and fig.layout.meta["height"] == NETWORK_HEIGHT[False]


def test_the_network_window_scrolls_with_the_current_word_and_keeps_it_inside():
    assert [window_start(t, 40) for t in (0, 4, 5, 20, 39)] == [0, 0, 1, 16, 40 - WINDOW]
    assert window_start(2, 3) == 0
    tokens = [f"w{i}" for i in range(30)]
    fig, hidden, probs = network(tokens, list(range(30)))
    labels = frame_trace(fig.frames[20], "cell labels")
    assert list(labels.text[:WINDOW]) == tokens[16 : 16 + WINDOW]  # word 21 in the middle slot
    answers = [t for t in labels.text[WINDOW:] if t[:2] == "0."]
    assert answers == [f"{p:.2f}" for p in probs[16:21, -1]]  # y_t above the words read so far
    handed = list(labels.text[-WINDOW:])
    assert handed[0] == "h₁₆" and handed[1] == "h₁₇"  # h handed in from the word before the window, then on


def test_cells_show_the_units_that_change_most_in_unit_order():
    hidden = np.zeros((5, 40))  # (T, H)
    moving = [3, 17, 29]
    hidden[:, moving] = np.linspace(-1, 1, 5)[:, None] * [0.9, 0.5, 0.7]
    assert list(cell_units(hidden, k=3)) == moving
    assert len(cell_units(hidden)) == CELL_UNITS and list(cell_units(hidden[:, :4])) == [0, 1, 2, 3]
    fig = word_by_word_figure(["a"] * 5, [1] * 5, hidden, np.full((5, 1), 0.5), 0.5)
    colours = np.asarray(frame_trace(fig.frames[0], "h in the cell").marker.line.color)
    np.testing.assert_allclose(colours, hidden[0, cell_units(hidden)])


def test_word_labels_take_the_pages_one_colour_meaning_and_alternate_lines():
    tokens = ["good", "bad", "film", "later"]
    hidden, _ = arrays(4)
    probs = np.array([[0.7], [0.2], [0.25], [0.3]])
    fig = word_by_word_figure(tokens, [1, 2, 3, 4], hidden, probs, 0.5)
    labels = frame_trace(fig.frames[2], "cell labels")
    deltas = token_deltas(probs, 0.5)
    assert list(labels.textfont.color[:3]) == [CLASS_COLORS["positive" if d >= 0 else "negative"] for d in deltas[:3]]
    assert labels.textfont.color[3] != CLASS_COLORS["positive"]  # not read yet: grey
    assert list(labels.y[:4]) == [WORD_Y[0], WORD_Y[1], WORD_Y[0], WORD_Y[1]]  # neighbours on different lines


def test_user_text_is_escaped_in_every_figure():
    fig, hidden, probs = network()
    labels = frame_trace(fig.frames[-1], "cell labels")
    assert "&lt;b&gt;x&lt;/b&gt;" in labels.text and "<b>x</b>" not in list(labels.text)
    answers = answer_state_figure(TOKENS, hidden, probs, ("positive",))
    assert "<b>" not in str(answers.to_dict()) and "&lt;b&gt;" in str(answers.layout.xaxis2.ticktext)
    both = compare_figure(TOKENS, hidden, probs, ["fine"], hidden[:1], probs[:1])
    assert "<b>x" not in str(both.to_dict())


def test_three_class_heads_draw_one_line_per_class_with_a_legend():
    hidden, probs = arrays(classes=("negative", "neutral", "positive"))
    fig = answer_state_figure(TOKENS, hidden, probs, ("negative", "neutral", "positive"))
    names = [t.name for t in fig.data if t.showlegend]
    assert names == ["▼ negative", "● neutral", "▲ positive"]
    np.testing.assert_allclose(fig.data[2].y, probs[:, 2])


def test_answer_panel_draws_the_dotted_half_line_its_caption_promises():
    hidden, probs = arrays()
    fig = answer_state_figure(TOKENS, hidden, probs, ("positive",))
    halves = [s for s in fig.layout.shapes if s.y0 == s.y1 == 0.5 and s.line.dash == "dot"]
    assert len(halves) == 1 and halves[0].yref == "y"  # panel 3: the answer after each word


def test_token_deltas_start_from_the_answer_before_any_word():
    probs = np.array([[0.6], [0.2], [0.9]])
    np.testing.assert_allclose(token_deltas(probs, 0.5), [0.1, -0.4, 0.7])


def test_token_strip_escapes_user_text_and_grows_in_presenter_mode():
    html = token_strip_html(TOKENS, IDS, [True, True, False], [0.1, -0.2, 0.0])
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "#1234" in html and "&lt;unk&gt;" in html
    big = token_strip_html(TOKENS, IDS, [True, True, False], [0.1, -0.2, 0.0], big=True)
    assert "font-size:0.75rem" in html and "font-size:0.75rem" not in big  # the index and change too


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("seq_len", [3, 20, 60, 300])
def test_word_ticks_never_overlap_and_always_name_the_last_word(seq_len, presenter):
    words = [("throughout" if i % 3 else "a") for i in range(seq_len)]
    plot_px, font = (940, 19) if presenter else (640, 12)
    ticks = word_ticks(words, plot_px, font)
    vals = ticks["tickvals"]
    assert vals[-1] == seq_len - 1
    spacing = plot_px / seq_len * np.diff(vals)  # px between neighbouring labels
    if ticks["tickangle"] == 0:
        widths = [text_px(words[i], font) for i in vals]
        assert all(s >= (a + b) / 2 for s, a, b in zip(spacing, widths, widths[1:]))
    else:
        assert ticks["tickangle"] == -90 and all(spacing >= 1.3 * font)
    assert seq_len > 3 or ticks["tickangle"] == 0  # a short review reads its words across


def test_compare_figure_draws_both_answers_on_one_chart_and_both_states():
    hidden_a, probs_a = arrays(4, seed=1)
    hidden_b, probs_b = arrays(5, seed=2)
    words_b = ["good", ",", "not", "bad", "!"]
    fig = compare_figure(["not", "good", ",", "bad"], hidden_a, probs_a, words_b, hidden_b, probs_b, 0.5)
    curves = [t for t in fig.data if t.type == "scatter" and t.x[0] is not None]
    assert [c.name for c in curves] == ["A", "B"]
    assert [t.name[:2] for t in fig.data if t.showlegend is not False and t.type == "scatter"] == ["A:", "B:"]
    np.testing.assert_allclose(curves[0].y, probs_a[:, -1])
    np.testing.assert_allclose(curves[1].y, probs_b[:, -1])
    assert list(curves[1].x) == [1, 2, 3, 4, 5]
    heats = [t for t in fig.data if t.type == "heatmap"]
    np.testing.assert_array_equal(np.array(heats[0].z), hidden_a.T)
    np.testing.assert_array_equal(np.array(heats[1].z), hidden_b.T)
    assert all((h.zmin, h.zmax) == (-1, 1) for h in heats) and heats[1].showscale and not heats[0].showscale
    assert list(curves[0].marker.color) == [
        CLASS_COLORS["positive" if d >= 0 else "negative"] for d in token_deltas(probs_a, 0.5)
    ]


def test_presenter_mode_sets_every_text_larger():
    normal, _, _ = network()
    big, _, _ = network(presenter=True)
    assert big.layout.font.size > normal.layout.font.size
    assert big.layout.annotations[0].font.size > normal.layout.annotations[0].font.size  # panel titles
    hidden, probs = arrays()
    a, b = (answer_state_figure(TOKENS, hidden, probs, ("positive",), presenter=p) for p in (False, True))
    assert b.layout.xaxis2.tickfont.size > a.layout.xaxis2.tickfont.size
    assert b.layout.legend.font.size > a.layout.legend.font.size
    heat_a, heat_b = (next(t for t in f.data if t.type == "heatmap") for f in (a, b))
    assert heat_b.colorbar.tickfont.size > heat_a.colorbar.tickfont.size
    assert array(heat_b.z).shape == (4, 3)


def test_the_colour_key_is_in_the_legend():
    hidden, probs = arrays()
    fig = answer_state_figure(TOKENS, hidden, probs, ("positive",))
    key = [t for t in fig.data if t.showlegend is not False and t.type == "scatter" and list(t.x) == [None]]
    colours = {t.name: t.marker.color for t in key}
    assert colours["moved P(positive) up"] == CLASS_COLORS["positive"] and colours["moved it down"] == CLASS_COLORS["negative"]
    assert fig.layout.legend.title.text == "Colours:" and len(key) == 5
