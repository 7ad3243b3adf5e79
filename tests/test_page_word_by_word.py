"""The home page and the Word-by-word page through AppTest, checked against the model's own trace."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import list_models, load_model, trace
from rnn_core.lesson import EXAMPLE_REVIEWS
from tests.conftest import ROOT, chart, open_app
from tests.figdata import array

DEFAULT = "that was phenomenal"


def open_page(model: str | None = None) -> AppTest:
    at = open_app()
    if model:
        at.selectbox(key="model").set_value(model).run()
    return at.switch_page("pages/word_by_word.py").run()


def figure(at: AppTest) -> dict:
    return chart(at, "word_by_word_chart")


def check_against_trace(at: AppTest, model_name: str, text: str) -> None:
    assert not at.exception, at.exception
    tr = trace(load_model(model_name), text)
    fig = figure(at)
    heat = next(d for d in fig["data"] if d.get("name") == "hidden")
    np.testing.assert_allclose(array(heat["z"]).T, tr.hidden, atol=1e-6)
    assert len(fig["frames"]) == tr.seq_len
    last = fig["frames"][-1]["data"]
    for k in range(len(tr.classes)):
        np.testing.assert_allclose(array(last[2 + k]["y"]), tr.probs[:, k], atol=1e-6)
    verdict_text = " ".join(h.proto.body for h in at.get("html"))
    assert f"{tr.probs[-1].max() if tr.head != 'sigmoid' else tr.probs[-1, 0]:.3f}" in verdict_text


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


def test_step_panel_shows_the_step_numbers():
    text = "the plot is thin but the actors are wonderful"
    at = open_page()
    at.text_area(key="review").input(text).run()
    at.slider(key="step").set_value(4).run()
    assert not at.exception
    tr = trace(load_model("rnn-sst2"), text)
    table = at.dataframe[0].value
    t = 3
    for unit, row in table.iterrows():
        assert row["h_t"] == pytest.approx(tr.hidden[t, unit], abs=1e-6)
        assert row["sum"] == pytest.approx(tr.preact[t, unit], abs=1e-6)
        assert row["W_x x_t"] == pytest.approx(tr.x_part[t, unit], abs=1e-6)
    top = np.sort(np.abs(tr.hidden[t]))[::-1][: len(table)]
    np.testing.assert_allclose(np.sort(np.abs(table["h_t"].to_numpy()))[::-1], top, atol=1e-6)


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
