"""The Hidden-state explorer through AppTest: the map, the unit atlas and the inspector hold the numbers rnn_core
computes from the weights and the stored atlas; a model without an up-to-date atlas, or no treebank, is explained."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from rnn_core import load_model, load_vocab, trace
from rnn_core.explain.atlas import review_path, unit_order
from rnn_core.explain.atlas_file import atlas_path, load_atlas
from rnn_core.explain.treebank_states import nearest
from rnn_core.lesson import ORDER_PAIR
from rnn_core.model.checkpoint import MODELS_ENV, save_model
from rnn_core.text.data import ENV_CACHE, ENV_DATA
from rnn_core.text.sentences import read_sentences
from tests.conftest import chart, has, make_model, open_app
from tests.figdata import array
from ui.atlas import unit_from_click


def open_explorer(model: str | None = None, query: dict | None = None) -> AppTest:
    at = open_app(query=query)
    if model:
        at.selectbox(key="model").set_value(model).run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    return at


def paths(at: AppTest) -> dict[str, dict]:
    """The map's review paths by name (the review's text)."""
    return {d["name"]: d for d in chart(at, "explorer_map")["data"] if d.get("mode") == "lines+markers+text"}


@pytest.fixture
def no_treebank(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA, raising=False)
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "empty-cache"))


@pytest.fixture
def models_folder(tmp_path, monkeypatch):
    """A models folder of small models on the real dictionary: one never given an atlas, one 'retrained'."""
    vocab = load_vocab()
    save_model(make_model("gru", "sigmoid", vocab, hidden_size=6), tmp_path / "trained-later.pt", vocab)
    save_model(make_model("rnn", "sigmoid", vocab, hidden_size=1, seed=3), tmp_path / "tiny-sst2.pt", vocab)
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", ["rnn-sst2", "rnn-sst3"])
def test_opens_on_the_pair_and_draws_both_paths_from_the_stored_basis(name, no_treebank):
    at = open_explorer(name)
    assert at.text_area(key="review").value == ORDER_PAIR[0]
    assert at.text_input(key="explorer_second").value == ORDER_PAIR[1]
    fig = chart(at, "explorer_map")
    atlas, model = load_atlas(atlas_path(name)), load_model(name)
    drawn = paths(at)
    assert list(drawn) == list(ORDER_PAIR)
    for text, path in drawn.items():
        expected = review_path(atlas.basis, trace(model, text))  # (T + 1, 2)
        np.testing.assert_allclose(np.c_[array(path["x"]), array(path["y"])], expected, atol=1e-5)
    assert len(fig["frames"]) == 4 and len(fig["frames"][0]["data"][0]["x"]) == 2  # h_0 and the first word
    background = [d for d in fig["data"] if d.get("mode") == "markers"]
    assert sum(len(array(d["x"])) for d in background) == len(atlas.sample_xy) == 3000
    assert f"{atlas.basis.explained[0]:.0%} of the variance" in fig["layout"]["xaxis"]["title"]["text"]
    x_range = fig["layout"]["xaxis"]["range"]
    assert x_range[0] <= atlas.sample_xy[:, 0].min() and x_range[1] >= atlas.sample_xy[:, 0].max()


def test_unit_atlas_and_inspector_hold_the_trace(no_treebank):
    text = "the plot is thin but the actors are wonderful"
    at = open_explorer("rnn-sst2")
    at.text_area(key="review").input(text).run()
    model, tr = load_model("rnn-sst2"), trace(load_model("rnn-sst2"), text)
    order = unit_order(model)
    fig = chart(at, "explorer_atlas")
    labels = next(d for d in fig["data"] if d.get("mode") == "text")["text"]
    assert [int(s.split()[1]) for s in labels] == order.tolist()
    for d in (d for d in fig["data"] if d.get("mode") == "lines+markers"):
        custom = array(d["customdata"]).reshape(-1, 3)  # (points, 3): unit, word number, h
        units, y = custom[:, 0], array(d["y"])
        for j, unit in enumerate(order[:16]):
            if unit in units:
                row = -1.4 * (j // 8)
                np.testing.assert_allclose((y[units == unit][:-1] - row - 0.5) / 0.45, tr.hidden[:, unit], atol=1e-5)
    assert at.selectbox(key="explorer_unit").value == order[0]
    unit = int(order[5])
    at.selectbox(key="explorer_unit").set_value(unit).run()
    h_line = chart(at, "explorer_unit_chart")["data"][0]
    np.testing.assert_allclose(array(h_line["y"]), tr.hidden[:, unit], atol=1e-6)
    assert f"{model.W_hy[0, unit].item():+.3f}" in at.markdown[0].value
    assert "the 6th largest of the 64 units" in at.markdown[0].value
    framed = [d for d in chart(at, "explorer_atlas")["data"] if d.get("name", "").endswith("(inspected)")]
    assert framed and framed[0]["name"] == f"unit {unit} (inspected)"


@pytest.mark.parametrize(("name", "gates"), [("lstm-sst2", ("input", "forget", "output")), ("gru-sst2", ("reset", "update"))])
def test_gated_units_show_their_gates(name, gates, no_treebank):
    at = open_explorer(name)
    tr = trace(load_model(name), ORDER_PAIR[0])
    unit = at.selectbox(key="explorer_unit").value
    data = {d["name"]: d for d in chart(at, "explorer_unit_chart")["data"]}
    for gate in gates:
        np.testing.assert_allclose(array(data[f"{gate} gate"]["y"]), tr.gates[gate][:, unit], atol=1e-6)
    np.testing.assert_allclose(array(data["candidate (tanh)"]["y"]), tr.gates["candidate"][:, unit], atol=1e-6)


def test_a_model_without_an_atlas_and_a_retrained_one_are_explained(models_folder, no_treebank):
    at = open_explorer("trained-later")
    assert "no atlas for trained-later" in at.warning[0].value
    assert "python -m rnn_core.atlas --model trained-later" in at.warning[0].value
    assert not has(at, "explorer_map") and has(at, "explorer_atlas") and has(at, "explorer_unit_chart")
    at.selectbox(key="model").set_value("tiny-sst2").run()
    assert not at.exception
    assert "out of date" in at.warning[0].value and "--model tiny-sst2" in at.warning[0].value


def test_without_the_treebank_the_page_says_what_it_needs(no_treebank):
    at = open_explorer("tiny-sst2")
    assert any("Stanford Sentiment Treebank" in i.value for i in at.info)
    assert has(at, "explorer_download") and has(at, "explorer_map")
    assert len(at.dataframe) == 1  # the strongest words need only the model
    assert any("map is a line" in c.value for c in at.caption)


@pytest.mark.data
def test_contexts_and_nearest_sentences_from_the_treebank(data_dir):
    at = open_explorer("rnn-sst2")
    model = load_model("rnn-sst2")
    tr = trace(model, ORDER_PAIR[0])
    words, contexts, neighbours = (d.value for d in at.dataframe)
    sents = read_sentences(data_dir)
    ids = [model.vocab.encode(s.tokens) for s in sents]
    with torch.no_grad():
        final = np.stack([model.hidden_states(torch.tensor([i]))[0, -1].numpy() for i in ids[:400]])  # (400, H)
    cosine = final @ tr.hidden[-1] / (np.linalg.norm(final, axis=1) * np.linalg.norm(tr.hidden[-1]))
    assert neighbours["cosine"].iloc[0] >= cosine.max() - 1e-6  # at least as near as any of the first 400 sentences
    best, _ = nearest(final, tr.hidden[-1], k=1)
    assert neighbours["cosine"].max() >= cosine[best[0]] - 1e-6
    assert neighbours["cosine"].is_monotonic_decreasing and len(neighbours) == 5
    assert len(contexts) == 5 and contexts["h (highest)"].is_monotonic_decreasing


def test_markup_in_the_reviews_is_shown_as_text(no_treebank):
    at = open_explorer("rnn-sst2")
    at.text_area(key="review").input("<b>great</b> film").run()
    at.text_input(key="explorer_second").input("<img src=x onerror=alert(1)> bad").run()
    assert not at.exception
    drawn = paths(at)
    assert set(drawn) == {"&lt;b&gt;great&lt;/b&gt; film", "&lt;img src=x onerror=alert(1)&gt; bad"}
    assert all("<" not in t for d in drawn.values() for t in d["text"])


def test_the_second_review_can_be_switched_off_and_presenter_mode_enlarges_type(no_treebank):
    at = open_explorer("rnn-sst2")
    at.toggle(key="presenter").set_value(True).run()
    at.toggle(key="explorer_compare").set_value(False).run()
    assert list(paths(at)) == [ORDER_PAIR[0]]
    assert chart(at, "explorer_map")["layout"]["font"]["size"] == 20
    assert len(at.table) == 1 and len(at.dataframe) == 0  # plain tables, which the presenter style enlarges
    at.toggle(key="explorer_zoom").set_value(True).run()
    x0, x1 = chart(at, "explorer_map")["layout"]["xaxis"]["range"]
    assert x1 - x0 < np.ptp(load_atlas(atlas_path("rnn-sst2")).sample_xy[:, 0])  # fitted to the path, not the cloud


def test_a_click_on_the_atlas_is_read_whatever_form_the_browser_sends():
    units = {0, 3, 11}
    assert unit_from_click({"0": 11, "1": 2, "2": -0.35}, units) == 11  # a row of a typed array
    assert unit_from_click([3.0, 1, 0.2], units) == 3
    for junk in (None, [], {}, ["x"], {"0": 64}, [True], "11", {"1": 3}):
        assert unit_from_click(junk, units) is None


def test_a_model_trained_in_this_tab_gets_every_section_but_the_map(no_treebank):
    vocab = load_vocab()
    own = make_model("lstm", "sigmoid", vocab, hidden_size=4).requires_grad_(False)
    own.card, name = {}, "my lstm · #abc123"
    at = open_app()
    at.session_state["yours"] = {name: own}  # as Train your own leaves it (ui.models.add_session_model)
    at.run()
    at.selectbox(key="model").set_value(name).run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    assert "trained in this browser tab" in at.warning[0].value and "reload" not in at.warning[0].value
    assert not has(at, "explorer_map") and has(at, "explorer_atlas")
    tr = trace(own, ORDER_PAIR[0])
    unit = at.selectbox(key="explorer_unit").value
    np.testing.assert_allclose(array(chart(at, "explorer_unit_chart")["data"][0]["y"]), tr.hidden[:, unit], atol=1e-6)


def test_both_reviews_traces_can_be_downloaded(no_treebank):
    at = open_explorer("rnn-sst2")
    labels = [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Download data")]
    assert labels == ["Download data: trace (CSV)", "Download data: second review trace (CSV)"], labels
    at.text_input(key="explorer_second").set_value("").run()
    labels = [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Download data")]
    assert labels == ["Download data: trace (CSV)"]
