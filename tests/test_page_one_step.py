"""The Inside-one-step page through AppTest: every number it shows equals the one recomputed from the weights."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from rnn_core import ModelFileError, load_model, load_vocab, tokenize
from rnn_core.explain.one_neuron import strongest_unit
from rnn_core.lesson import ONE_STEP_MODELS as MODELS
from rnn_core.model.checkpoint import MODELS_DIR, save_model
from rnn_core.text.tokenizer import readable

from .conftest import chart, make_model, open_app
from .test_one_neuron import NUMBER, SHOWN, TOL, expected_equations, recompute

DEFAULT_REVIEW = "that was phenomenal"  # what the shared review box holds on a first visit
BUILT_HIDDEN = {"one": 1, "bigger": 6}


@pytest.fixture(params=["built", "shipped"])
def models(request, tmp_path, monkeypatch) -> dict[str, bool]:
    """Point the page at model files in tmp_path: the shipped ones (copied, so training cannot swap them mid-test)
    or, when asked or when a shipped one is not there yet, small ones built on the real dictionary.

    Returns which of "one" / "bigger" are shipped models; the "shipped" run skips if neither is.
    """
    vocab = load_vocab()
    shipped = {}
    for seed, (key, name) in enumerate(dict(MODELS).items()):
        dest, src = tmp_path / f"{name}.pt", MODELS_DIR / f"{name}.pt"
        shipped[key] = False
        if request.param == "shipped" and src.is_file():
            for suffix in (".pt", ".json"):
                if src.with_suffix(suffix).is_file():
                    shutil.copy(src.with_suffix(suffix), dest.with_suffix(suffix))
            try:
                shipped[key] = load_model(dest).config.hidden_size >= 1
            except ModelFileError:
                pass
        if not shipped[key]:
            save_model(make_model("rnn", "sigmoid", vocab, hidden_size=BUILT_HIDDEN[key], seed=seed), dest, vocab)
        monkeypatch.setitem(MODELS, key, str(dest))
    if request.param == "shipped" and not any(shipped.values()):
        pytest.skip("no shipped tiny-sst2 / rnn-sst2 yet")
    st.cache_resource.clear()
    st.cache_data.clear()
    return shipped


def open_page(text: str | None = None) -> AppTest:
    at = open_app("pages/one_step.py")
    if text is not None:
        at.text_area(key="review").set_value(text).run()  # set_value: input() ignores text beyond the box's max_chars
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Inside one step"], [t.value for t in at.title] + [m.value for m in at.markdown]
    return at


def check_step(at: AppTest, text: str, step: int, unit: int) -> None:
    """Equations, word, diagram, curves, table and word lists of the page against a float64 recomputation."""
    assert not at.exception and not at.error
    model = load_model(MODELS["bigger" if at.toggle(key="one_step_model").value else "one"])
    ref, tokens = recompute(model, text), [readable(t) for t in tokenize(text)]  # words as people write them
    single, last, r = model.config.hidden_size == 1, step == len(ref) - 1, ref[step]
    j = unit

    def f(v) -> float:
        return float(v[j]) if v.ndim else float(v)

    # The equations: the general pair first, then sum, h, y, (unit's share), pass.
    expected = expected_equations(r, j, single, last)
    keys = ["sum", "h", "y"] + ([] if single else ["share"]) + ["pass"]
    bodies = [e.value for e in at.latex]
    assert len(bodies) == 1 + len(keys) and not NUMBER.findall(bodies[0])
    for key, body in zip(keys, bodies[1:]):
        assert [float(v) for v in NUMBER.findall(body)] == pytest.approx(expected[key], abs=SHOWN), key
        assert not any(marker in body for marker in ("zorblax", "qwertyuiop", "alpha", "bold", "javascript", "<")), body
    word = at.text[0].value
    assert word.startswith(f"Word {step + 1} of {len(ref)}: {tokens[step]} ")
    assert (f"dictionary index {r['i']}" in word) == (r["i"] != 1) and (f"<unk>, index {r['i']}" in word) == (r["i"] == 1)
    # The table of every step.
    table = at.dataframe[0].value
    assert list(table["word"]) == tokens and list(table["i"]) == [x["i"] for x in ref]
    columns = {3: "w_x", 4: "rec", 6: "pre", 7: "h"}
    for col, name in columns.items():
        np.testing.assert_allclose(table.iloc[:, col], [float(x[name][j]) for x in ref], atol=TOL, err_msg=table.columns[col])
    np.testing.assert_allclose(table.iloc[:, 5], float(model.b_h.detach()[j]), atol=TOL)
    np.testing.assert_allclose(table.iloc[:, 8], [float(x["out"]) for x in ref], atol=TOL)
    np.testing.assert_allclose(table.iloc[:, -1], [float(x["y"]) for x in ref], atol=TOL)
    np.testing.assert_allclose(table.iloc[:, -2], float(model.b_y.detach()[0]), atol=TOL)
    if not single:
        assert table.columns[3] == f"W_x[{j},i]" and table.columns[8] == "W_hy·h_t"
    # The words with the largest and smallest input weights of the unit.
    w = model.W_x.detach().double()[j].numpy()
    ranked = [int(i) for i in np.argsort(-w) if i != 0]
    for frame, idx in ((at.dataframe[1].value, ranked[:10]), (at.dataframe[2].value, ranked[::-1][:10])):
        assert list(frame["index"]) == idx and list(frame["word"]) == [readable(model.vocab.itos[i]) for i in idx]
        np.testing.assert_allclose(frame["weight"], w[idx], atol=TOL)
    # The diagram: each weight's label, exact in its hover; the lit input; the two neurons.
    net = chart(at, "one_step_network")
    notes = {a["name"]: a for a in net["layout"]["annotations"] if a.get("name")}
    want = {"w_i": f(r["w_x"]), "w_hh": f(r["w_hh"]), "b_h": f(r["b_h"]), "w_hy": f(r["w_hy"]), "b_y": f(r["b_y"])}
    for name, value in want.items():
        assert float(NUMBER.findall(notes[name]["hovertext"])[-1]) == pytest.approx(value, abs=SHOWN), name
    traces = {d["name"]: d for d in net["data"]}
    assert traces["hidden"]["customdata"][0] == pytest.approx([f(r["pre"]), f(r["h"])], abs=TOL)
    assert traces["output"]["customdata"][0] == pytest.approx([f(r["logit"]), f(r["y"])], abs=TOL)
    assert f"x[{r['i']}] = 1" in traces["inputs"]["text"]
    # The curves: this step's point on tanh and on sigmoid.
    curves = {d["name"]: d for d in chart(at, "one_step_curves")["data"]}
    assert [curves["current step (tanh)"][k][0] for k in "xy"] == pytest.approx([f(r["pre"]), f(r["h"])], abs=TOL)
    assert [curves["current step (sigmoid)"][k][0] for k in "xy"] == pytest.approx([f(r["logit"]), f(r["y"])], abs=TOL)
    acc = model.card.get("test_accuracy")
    if isinstance(acc, float):
        assert any(f"{acc * 100:.1f}% of the test reviews" in c.value for c in at.caption)


def test_one_neuron_every_step_of_the_default_review(models):
    at = open_page()
    for step in range(len(tokenize(DEFAULT_REVIEW))):
        if step:
            at.slider(key="one_step").set_value(step + 1).run()
        check_step(at, DEFAULT_REVIEW, step, 0)


@pytest.mark.parametrize(
    "text",
    [
        "the zorblax movie was qwertyuiop , but it 's not bad .",
        "<b>x</b> **bold** $\\alpha$ [a](javascript:alert(1)) # heading",
        "Good",
    ],
)
def test_reviews_with_unknown_words_and_markup(models, text):
    at = open_page(text)
    T = len(tokenize(text))
    check_step(at, text, 0, 0)
    if T > 1:
        at.slider(key="one_step").set_value(T).run()
        check_step(at, text, T - 1, 0)
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<b>" in v or "javascript:" in v.replace("javascript\\:", "") for v in shown)
    if "zorblax" in text:
        assert any("zorblax" in c.value and "<unk>" in c.value for c in at.caption)


def test_switch_to_the_bigger_model_and_pick_a_unit(models):
    text = "it 's a gorgeous , witty movie , not a boring one ."
    at = open_page(text)
    at.slider(key="one_step").set_value(4).run()
    at.toggle(key="one_step_model").set_value(True).run()
    big = load_model(MODELS["bigger"])
    unit = at.selectbox(key="one_step_unit").value
    assert unit == strongest_unit(big)
    check_step(at, text, 3, unit)
    other = (unit + 1) % big.config.hidden_size
    at.selectbox(key="one_step_unit").set_value(other).run()
    at.slider(key="one_step").set_value(len(tokenize(text))).run()
    check_step(at, text, len(tokenize(text)) - 1, other)
    at.toggle(key="one_step_model").set_value(False).run()
    check_step(at, text, len(tokenize(text)) - 1, 0)


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 25_000])
def test_empty_or_too_long_review_gives_a_message(models, text):
    at = open_page(text)
    assert not at.exception and len(at.latex) == 1  # only the general equations
    assert [i.value for i in at.info] or [w.value for w in at.warning]
    assert not at.dataframe


def test_step_follows_a_shorter_review(models):
    at = open_page("a long , slow and boring movie")
    at.slider(key="one_step").set_value(7).run()
    at.text_area(key="review").input("great fun").run()
    check_step(at, "great fun", 1, 0)


def test_missing_or_broken_one_neuron_model(models, tmp_path, monkeypatch):
    monkeypatch.setitem(MODELS, "one", str(tmp_path / "absent" / "tiny-sst2.pt"))
    at = open_page()
    assert not at.exception and any("not in assets/models yet" in w.value for w in at.warning)
    assert any("still being trained" in i.value for i in at.info) and not at.latex
    at.toggle(key="one_step_model").set_value(True).run()
    check_step(at, DEFAULT_REVIEW, 0, at.selectbox(key="one_step_unit").value)
    broken = tmp_path / "broken" / "tiny-sst2.pt"
    broken.parent.mkdir()
    broken.write_text("not a checkpoint")
    monkeypatch.setitem(MODELS, "one", str(broken))
    at.toggle(key="one_step_model").set_value(False).run()
    assert not at.exception and any("cannot be used" in e.value for e in at.error)
    assert not any("still being trained" in i.value for i in at.info)  # damaged, not on its way
    assert any("Switch on the bigger model" in i.value for i in at.info)
