"""The home page and the Word-by-word page through AppTest, checked against the model's own trace."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import list_models, load_model, trace
from rnn_core.figures.network import cell_units, slots, window_start
from rnn_core.figures.sequence import ANSWER_STATE_HEIGHT, NETWORK_HEIGHT
from rnn_core.lesson import EXAMPLE_REVIEWS, ORDER_PAIR
from tests.conftest import ROOT, chart, has, open_app
from tests.figdata import array
from ui.sequence import MIN_SCALE, chart_heights

DEFAULT = "that was phenomenal"


def open_page(model: str | None = None) -> AppTest:
    at = open_app()
    if model:
        at.selectbox(key="model").set_value(model).run()
    return at.switch_page("pages/word_by_word.py").run()


def figure(at: AppTest, key: str = "word_by_word_chart") -> dict:
    return chart(at, key)


def frame_trace(frame: dict, name: str) -> dict:
    return next(d for d in frame["data"] if d.get("name") == name)


def check_against_trace(at: AppTest, model_name: str, text: str) -> None:
    """Every number of both charts against the model's own trace: hidden states, answers, the network's frames."""
    assert not at.exception, at.exception
    tr = trace(load_model(model_name), text)
    answers = figure(at, "word_by_word_answers")
    heat = next(d for d in answers["data"] if d.get("name") == "hidden")
    np.testing.assert_allclose(array(heat["z"]).T, tr.hidden, atol=1e-6)
    lines = [d for d in answers["data"] if d["type"] == "scatter"]
    for k in range(len(tr.classes)):
        np.testing.assert_allclose(array(lines[k]["y"]), tr.probs[:, k], atol=1e-6)
    np.testing.assert_allclose(answers["layout"]["meta"]["answer"], tr.probs[:, -1], atol=1e-6)
    network = figure(at)
    assert len(network["frames"]) == tr.seq_len
    for t in {0, tr.seq_len // 2, tr.seq_len - 1}:
        frame = network["frames"][t]
        start = window_start(t, tr.seq_len)
        colours = array(frame_trace(frame, "h in the cell")["marker"]["line"]["color"])
        shown = tr.hidden[start : t + 1][:, cell_units(tr.hidden)]  # (words in the window read so far, K)
        np.testing.assert_allclose(colours.reshape(shown.shape), shown, atol=1e-6)
        labels = frame_trace(frame, "cell labels")["text"]
        assert [f"{p:.2f}" for p in tr.probs[start : t + 1, -1]] == labels[slots(tr.seq_len) : slots(tr.seq_len) + t + 1 - start]
    assert network["layout"]["meta"]["review"] == answers["layout"]["meta"]["review"]  # the player drives both
    verdict_text = " ".join(h.proto.body for h in at.get("html"))
    assert f"{tr.probs[-1].max() if tr.head != 'sigmoid' else tr.probs[-1, 0]:.3f}" in verdict_text


def set_word(at: AppTest, step: int) -> AppTest:
    """What the player sends when it comes to rest on word ``step`` (0-based) of the review the charts show."""
    review = figure(at)["layout"]["meta"]["review"]
    at.session_state["word_player"] = {"position": {"review": review, "step": step}, "room": None}
    return at.run()


def test_home_page_runs():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("RNN Lens" in t.value for t in at.title)


def test_default_review_matches_the_trace():
    at = open_page()
    assert at.text_area(key="review").value == DEFAULT
    check_against_trace(at, "rnn-sst2", DEFAULT)


@pytest.mark.parametrize("name", list(EXAMPLE_REVIEWS))
def test_each_example(name):
    at = open_page()
    at.selectbox(key="example").set_value(name).run()
    assert at.text_area(key="review").value == EXAMPLE_REVIEWS[name]
    check_against_trace(at, "rnn-sst2", EXAMPLE_REVIEWS[name])


@pytest.mark.parametrize("model_name", sorted(list_models()))
def test_every_model(model_name):
    at = open_page(model_name)
    at.text_area(key="review").input("not bad at all , but the ending was dull").run()
    check_against_trace(at, model_name, "not bad at all , but the ending was dull")


def test_step_panel_shows_the_players_word():
    text = "the plot is thin but the actors are wonderful"
    at = open_page()
    at.text_area(key="review").input(text).run()
    assert at.subheader[0].value == "Inside one step: word 9 of 9"  # the page opens on the review fully read
    set_word(at, 3)
    assert not at.exception
    assert at.subheader[0].value == "Inside one step: word 4 of 9"
    tr = trace(load_model("rnn-sst2"), text)
    table = at.dataframe[0].value
    t = 3
    for unit, row in table.iterrows():
        assert row["h_t"] == pytest.approx(tr.hidden[t, unit], abs=1e-6)
        assert row["sum"] == pytest.approx(tr.preact[t, unit], abs=1e-6)
        assert row["W_x x_t"] == pytest.approx(tr.x_part[t, unit], abs=1e-6)
    top = np.sort(np.abs(tr.hidden[t]))[::-1][: len(table)]
    np.testing.assert_allclose(np.sort(np.abs(table["h_t"].to_numpy()))[::-1], top, atol=1e-6)
    at.text_area(key="review").input("a new review").run()  # a position sent for another review does not count
    assert at.subheader[0].value == "Inside one step: word 3 of 3"


def test_a_short_window_draws_the_charts_shorter():
    designed = (NETWORK_HEIGHT[True], ANSWER_STATE_HEIGHT[True])
    assert chart_heights(True, None) == designed
    short = chart_heights(True, 650)  # presenter mode on a 1280x800 screen
    assert sum(short) <= 650 and short[0] / short[1] == pytest.approx(designed[0] / designed[1], rel=0.02)
    assert chart_heights(True, 100) == tuple(int(h * MIN_SCALE) for h in designed)  # never below readable
    at = open_page()
    review = figure(at)["layout"]["meta"]["review"]
    at.session_state["word_player"] = {"position": None, "room": 400}
    at.run()
    assert not at.exception and figure(at)["layout"]["meta"]["review"] == review


def test_presenter_mode_keeps_the_examples_and_draws_the_table_large():
    at = open_page()
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    assert at.selectbox(key="example")  # the caption invites to try them
    assert at.table and not at.dataframe  # a table of text that presenter mode enlarges
    assert figure(at)["layout"]["font"]["size"] > 13


def test_compare_view_draws_both_reviews_against_their_traces():
    at = open_page()
    at.toggle(key="compare").set_value(True).run()
    assert not at.exception, at.exception
    a, b = at.text_area(key="review").value, at.text_area(key="review_b").value
    assert (a, b) == ORDER_PAIR  # the untouched default review opens on the lesson's pair
    model = load_model("rnn-sst2")
    fig = figure(at, "compare_chart")
    curves = [d for d in fig["data"] if d["type"] == "scatter" and d.get("name") in ("A", "B")]
    heats = [d for d in fig["data"] if d["type"] == "heatmap"]
    for text, curve, heat in zip((a, b), curves, heats):
        tr = trace(model, text)
        np.testing.assert_allclose(array(curve["y"]), tr.probs[:, -1], atol=1e-6)
        np.testing.assert_allclose(array(heat["z"]).T, tr.hidden, atol=1e-6)
    verdicts = " ".join(h.proto.body for h in at.get("html"))
    for text in (a, b):
        assert f"{trace(model, text).probs[-1, 0]:.3f}" in verdicts
    at.text_area(key="review_b").input("<b>bold</b> and fine").run()
    assert not at.exception and "<b>bold" not in at.get_by_key("compare_chart").proto.spec
    assert not at.get("plotly_chart") or all(c.key == "compare_chart" for c in at.get("plotly_chart"))


def test_a_link_opens_the_compare_view_with_both_reviews():
    at = open_app("pages/word_by_word.py", {"compare": "true", "review": "a dull film", "review_b": "a fine film"})
    assert not at.exception
    assert (at.text_area(key="review").value, at.text_area(key="review_b").value) == ("a dull film", "a fine film")
    assert has(at, "compare_chart")


@pytest.mark.parametrize(
    "text, message",
    [("", "no words"), ("   \n\t ", "no words"), ("good " * 400, "limit is 300"), ("x" * 30_000, "shorten it")],
)
def test_bad_input_gives_a_message_not_a_stack_trace(text, message):
    at = open_page()
    at.text_area(key="review").set_value(text).run()  # set_value: input() ignores text beyond the box's max_chars
    assert not at.exception
    shown = " ".join(m.value for m in [*at.info, *at.warning])
    assert message in shown
    at.text_area(key="review").input("good").run()  # and the page keeps working
    assert not at.exception and at.get_by_key("word_by_word_chart")


def test_markup_and_emoji_are_read_as_words():
    text = "<script>alert(1)</script> 😀 great"
    at = open_page()
    at.text_area(key="review").input(text).run()
    check_against_trace(at, "rnn-sst2", text)
    assert any("<unk>" in c.value for c in at.caption)
    strip = " ".join(h.proto.body for h in at.get("html"))
    assert "<script" not in strip and "&lt;" in strip and ">script<" in strip
