"""The Vanishing-gradients page through AppTest: every chart holds the numbers rnn_core computes from the weights."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import load_model, load_vocab, tokenize
from rnn_core.explain.gradients import (
    EXPERIMENT_LENGTHS,
    MATRIX_WINDOW,
    decay_curves,
    first_word_experiment,
    initial_weights,
    review_gradients,
    review_influence,
    scaled_recurrence,
)
from rnn_core.lesson import CELL_MODELS, EXAMPLE_REVIEWS, LONG_EXAMPLE
from rnn_core.model.checkpoint import MODELS_DIR, save_model
from tests.conftest import chart, has, make_model, open_app
from tests.figdata import array

LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
CHARTS = ("vanishing_heatmap", "vanishing_triangle", "vanishing_experiment", "vanishing_decay")
DEFAULT_REVIEW = "that was phenomenal"
LONG_REVIEW = (
    "i expected very little from this movie , and for the first hour it gave me even less : the plot wanders , "
    "the jokes land with a thud and the lead actor looks as if he would rather be somewhere else . then , slowly , "
    "something changes . the quiet scenes between the two sisters are honest and moving , the music finally "
    "fits , and the last twenty minutes are as good as anything i have seen this year . it is not a great film , "
    "but it is a brave and often beautiful one ."
)


@pytest.fixture
def tiny_cells(tmp_path, monkeypatch):
    """Tiny models of each cell on the real dictionary, saved to files the page loads instead of the shipped ones."""
    vocab = load_vocab()
    for i, cell in enumerate(CELL_MODELS):
        path = tmp_path / f"tiny-{cell}.pt"
        save_model(make_model(cell, "sigmoid", vocab, hidden_size=6, seed=i), path, vocab)
        monkeypatch.setitem(CELL_MODELS, cell, str(path))
    return dict(CELL_MODELS)


def as_float(values) -> np.ndarray:
    """A 2-D figure array, with JSON's nulls (NaN) back as NaN."""
    if isinstance(values, dict):
        return array(values)
    return np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)


def check_charts(at: AppTest, names: dict[str, str], text: str, chosen: str = "rnn", length: int = 50) -> None:
    """Each chart's values equal rnn_core's for the same weights and text."""
    models = {cell: load_model(name) for cell, name in names.items()}
    seq_len = len(tokenize(text))
    (heat,) = chart(at, "vanishing_heatmap")["data"]
    assert heat["y"] == [LABELS[c] for c in names]
    raw = array(heat["customdata"])[..., 0]  # (R, T)
    assert raw.shape == (len(names), seq_len)
    for row, model in zip(raw, models.values()):
        np.testing.assert_allclose(row, review_influence(model, text), rtol=1e-6)
    (tri,) = chart(at, "vanishing_triangle")["data"]
    expected = review_gradients(models[chosen], text, window=MATRIX_WINDOW)
    np.testing.assert_allclose(as_float(tri["customdata"]), expected.state_norms, rtol=1e-6, atol=1e-12)
    assert len(tri["x"]) == min(seq_len, MATRIX_WINDOW) and tri["x"][0].startswith(f"{expected.first_word + 1}. ")
    assert LABELS[chosen] in tri["hovertemplate"]
    bars = [d for d in chart(at, "vanishing_experiment")["data"] if d["type"] == "bar"]
    first_id = models[chosen].vocab.encode(tokenize(text)[:1])[0]
    for k, model in enumerate(models.values()):
        left = first_word_experiment(model, first_id).left
        assert [array(b["y"])[k] for b in bars] == pytest.approx([left[n] * 100 for n in EXPERIMENT_LENGTHS], rel=1e-6)
    lines = chart(at, "vanishing_decay")["data"]
    assert [line["name"] for line in lines] == [LABELS[c] for c in names] + [f"{LABELS[c]} untrained" for c in names]
    weights = [*models.values(), *(initial_weights(m) for m in models.values())]
    for line, model in zip(lines, weights):
        curve = decay_curves(model).curves[length]
        np.testing.assert_allclose(array(line["y"]), curve / curve[0], rtol=1e-6)


def test_opens_on_the_long_example_and_says_why(tiny_cells):
    at = open_app("pages/vanishing.py")
    assert not at.exception and not at.error and not at.warning
    opened = EXAMPLE_REVIEWS[LONG_EXAMPLE]
    assert at.text_area(key="review").value == opened
    assert any("forgetting needs distance" in i.value for i in at.info)
    assert at.selectbox(key="vanishing_model").value == "RNN"
    check_charts(at, tiny_cells, opened)
    sigma = load_model(tiny_cells["rnn"]).W_hh.detach().numpy()
    assert any(f"σ_max = {np.linalg.svd(sigma)[1][0]:.3g}" in m.value for m in at.markdown)
    assert len(at.caption) >= 5  # the intro and one under each chart


def test_a_review_of_ones_own_stays_and_a_short_one_is_offered_the_long_example(tiny_cells):
    at = open_app("pages/vanishing.py", {"review": "great fun"})  # a shared link with the class's own review
    assert at.text_area(key="review").value == "great fun" and not any("forgetting needs" in i.value for i in at.info)
    check_charts(at, tiny_cells, "great fun")
    at.button(key="vanishing_long").click().run()
    assert not at.exception
    text = at.text_area(key="review").value
    assert len(tokenize(text)) >= 40 and text in EXAMPLE_REVIEWS.values()
    assert not any(b.key == "vanishing_long" for b in at.button)  # long enough now: the offer is gone
    check_charts(at, tiny_cells, text)


def test_long_review(tiny_cells):
    at = open_app("pages/vanishing.py")
    at.text_area(key="review").input(LONG_REVIEW).run()
    assert not at.exception and not at.error
    assert len(tokenize(LONG_REVIEW)) >= 95
    check_charts(at, tiny_cells, LONG_REVIEW)
    assert any("25 words back" in m.value for m in at.markdown)


def test_very_long_review_triangle_shows_the_last_words(tiny_cells):
    text = f"{LONG_REVIEW} {LONG_REVIEW}"
    at = open_app("pages/vanishing.py")
    at.text_area(key="review").input(text).run()
    assert not at.exception and not at.error
    seq_len = len(tokenize(text))
    assert seq_len > MATRIX_WINDOW
    check_charts(at, tiny_cells, text, chosen="rnn")
    assert any(f"the triangle shows the last {MATRIX_WINDOW}" in c.value for c in at.caption)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_each_model_choice(tiny_cells, cell):
    at = open_app("pages/vanishing.py")
    text = "the plot is boring , but the actors are good"
    at.text_area(key="review").input(text).run()
    at.selectbox(key="vanishing_model").set_value(LABELS[cell]).run()
    assert not at.exception and not at.error
    check_charts(at, tiny_cells, text, chosen=cell)


def test_decay_length_choice(tiny_cells):
    at = open_app("pages/vanishing.py")
    at.radio(key="vanishing_length").set_value(25).run()
    assert not at.exception
    check_charts(at, tiny_cells, EXAMPLE_REVIEWS[LONG_EXAMPLE], length=25)


@pytest.mark.parametrize("factor", [0.25, 2.0])
def test_scaled_recurrence_what_if(tiny_cells, factor):
    """The what-if redraws the RNN's influence row and decay curve with W_hh times the factor."""
    at = open_app("pages/vanishing.py")
    at.select_slider(key="vanishing_scale").set_value(factor).run()
    assert not at.exception
    text = EXAMPLE_REVIEWS[LONG_EXAMPLE]
    scaled = scaled_recurrence(load_model(tiny_cells["rnn"]), factor)
    (row,) = chart(at, "vanishing_scaled_row")["data"]
    np.testing.assert_allclose(array(row["customdata"])[0, :, 0], review_influence(scaled, text), rtol=1e-6)
    (line,) = chart(at, "vanishing_scaled_decay")["data"]
    curve = decay_curves(scaled).curves[50]
    np.testing.assert_allclose(array(line["y"]), curve / curve[0], rtol=1e-6)
    assert any(f"W_hh × {factor:g}: {curve[-1] / curve[0]:.3g}" in c.value for c in at.caption)


def test_empty_review_says_so(tiny_cells):
    at = open_app("pages/vanishing.py")
    at.text_area(key="review").input("  ").run()
    assert not at.exception
    assert any("no words" in i.value for i in at.info)
    assert not any(has(at, key) for key in CHARTS)


def test_missing_model_is_said_and_the_rest_works(tiny_cells, tmp_path, monkeypatch):
    monkeypatch.setitem(CELL_MODELS, "gru", str(tmp_path / "not-trained-yet.pt"))
    at = open_app("pages/vanishing.py")
    assert not at.exception
    assert any("not-trained-yet" in w.value for w in at.warning)
    check_charts(at, {c: n for c, n in CELL_MODELS.items() if c != "gru"}, EXAMPLE_REVIEWS[LONG_EXAMPLE])


SHIPPED = all((MODELS_DIR / f"{name}.pt").is_file() for name in ("rnn-sst2", "lstm-sst2", "gru-sst2"))


@pytest.mark.skipif(not SHIPPED, reason="the three -sst2 models are not all in assets/models yet")
def test_shipped_models():
    """With the shipped models: the page's numbers are the weights' own, and the 25-word ratios are printed."""
    at = open_app("pages/vanishing.py")
    at.text_area(key="review").input(LONG_REVIEW).run()
    assert not at.exception and not at.error and not at.warning
    names = {"rnn": "rnn-sst2", "lstm": "lstm-sst2", "gru": "gru-sst2"}
    check_charts(at, names, LONG_REVIEW)
    for name in names.values():
        print(f"{name}: first/last influence on 25 random words = {decay_curves(load_model(name)).first_last_ratio(25):.4g}")
