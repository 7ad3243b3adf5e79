"""The Sigmoid-vs-softmax page through AppTest: every panel's chart holds the numbers torch recomputes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from rnn_core import load_model, load_vocab
from rnn_core.lesson import EXPECTED, HEAD_MODELS, WORDS
from rnn_core.model.checkpoint import MODELS_DIR, save_model
from rnn_core.text.tokenizer import tokenize
from tests.conftest import chart, has, make_model, open_app

CHARTS = {"sigmoid": "heads_sigmoid_chart", "sigmoid3": "heads_sigmoid3_chart", "softmax": "heads_softmax_chart"}


@pytest.fixture
def tiny_heads(tmp_path, monkeypatch):
    """Tiny models on the real dictionary, one per head, saved to files the page loads instead of the shipped ones."""
    vocab = load_vocab()
    for i, head in enumerate(HEAD_MODELS):
        path = tmp_path / f"tiny-{head}.pt"
        save_model(make_model("rnn", head, vocab, hidden_size=4, seed=i), path, vocab)
        monkeypatch.setitem(HEAD_MODELS, head, str(path))
    return dict(HEAD_MODELS)


def last_logits(name: str, text: str) -> torch.Tensor:
    model = load_model(name)
    ids = torch.tensor([model.vocab.encode(tokenize(text))])  # (1, T)
    with torch.no_grad():
        return model(ids)[0, -1].double()  # (C,)


def check_panels(at: AppTest, names: dict[str, str], text: str) -> None:
    """Each panel's bars equal torch.sigmoid / torch.softmax of that model's own logits for the text."""
    one = chart(at, CHARTS["sigmoid"])["data"][0]
    assert one["x"][0] == pytest.approx(float(torch.sigmoid(last_logits(names["sigmoid"], text))[0]), abs=1e-6)
    three = chart(at, CHARTS["sigmoid3"])["data"]
    sig3 = torch.sigmoid(last_logits(names["sigmoid3"], text)).numpy()
    np.testing.assert_allclose(three[0]["y"], sig3, atol=1e-6)
    assert sum(t["y"][0] for t in three[1:]) == pytest.approx(sig3.sum(), abs=1e-6)
    z = last_logits(names["softmax"], text)
    logits, exps, soft, sig = chart(at, CHARTS["softmax"])["data"]
    np.testing.assert_allclose(logits["y"], z.numpy(), atol=1e-6)
    np.testing.assert_allclose(exps["y"][:3], torch.exp(z).numpy(), rtol=1e-6)
    np.testing.assert_allclose(soft["y"], torch.softmax(z, dim=-1).numpy(), atol=1e-6)
    assert abs(sum(soft["y"]) - 1) < 1e-6
    np.testing.assert_allclose(sig["y"], torch.sigmoid(z).numpy(), atol=1e-6)


def test_word_source_default_first_word(tiny_heads):
    at = open_app("pages/softmax.py")
    assert not at.exception and not at.error and not at.warning
    assert at.radio(key="heads_word").value == WORDS[0]  # the first built-in word: its three sigmoids disagree with 1
    check_panels(at, tiny_heads, WORDS[0])
    assert len(at.latex) == 4  # one sigmoid, three sigmoids, softmax, what-if


@pytest.mark.parametrize("word", ["phenomenal", "okay"])
def test_other_words(tiny_heads, word):
    at = open_app("pages/softmax.py")
    at.radio(key="heads_word").set_value(word).run()
    assert not at.exception
    check_panels(at, tiny_heads, word)
    note = any("<unk>" in c.value for c in at.caption)
    assert note == (word not in load_vocab())


def test_review_source(tiny_heads):
    at = open_app("pages/softmax.py")
    at.radio(key="heads_source").set_value("The shared review").run()
    text = "the plot is boring , but the actors are good"
    at.text_area(key="review").input(text).run()
    assert not at.exception and not at.error
    check_panels(at, tiny_heads, text)


def test_empty_review_keeps_the_what_if(tiny_heads):
    at = open_app("pages/softmax.py")
    at.radio(key="heads_source").set_value("The shared review").run()
    at.text_area(key="review").input("   ").run()
    assert not at.exception
    assert any("no words" in i.value for i in at.info)
    assert not any(has(at, k) for k in CHARTS.values())
    assert has(at, "heads_whatif_chart")


def test_missing_model_is_said_and_the_rest_works(tiny_heads, tmp_path, monkeypatch):
    monkeypatch.setitem(HEAD_MODELS, "sigmoid3", str(tmp_path / "not-trained-yet.pt"))
    at = open_app("pages/softmax.py")
    assert not at.exception
    assert any("not-trained-yet" in w.value and "not available" in w.value for w in at.warning)
    assert not has(at, CHARTS["sigmoid3"])
    assert has(at, CHARTS["sigmoid"]) and has(at, CHARTS["softmax"]) and has(at, "heads_whatif_chart")


def test_neutral_band(tiny_heads):
    at = open_app("pages/softmax.py")
    p = chart(at, CHARTS["sigmoid"])["data"][0]["x"][0]
    at.slider(key="heads_band").set_value((0.0, 1.0)).run()
    assert any("neutral" in m.value and f"{p:.2f}" in m.value for m in at.markdown)
    rects = [s for s in chart(at, CHARTS["sigmoid"])["layout"]["shapes"] if s["type"] == "rect"]
    assert [(r["x0"], r["x1"]) for r in rects] == [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]


def whatif_values(at: AppTest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    logits, _, soft, sig = chart(at, "heads_whatif_chart")["data"]
    return np.array(logits["y"]), np.array(soft["y"]), np.array(sig["y"])


def test_what_if_sliders_and_presets(tiny_heads):
    at = open_app("pages/softmax.py")
    for key, value in zip(("whatif_neg", "whatif_neu", "whatif_pos"), (-2.0, 0.5, 3.0)):
        at.slider(key=key).set_value(value)
    at.run()
    assert not at.exception
    z, soft, sig = whatif_values(at)
    np.testing.assert_allclose(z, [-2.0, 0.5, 3.0])
    np.testing.assert_allclose(soft, torch.softmax(torch.tensor(z), dim=-1).numpy(), atol=1e-9)
    np.testing.assert_allclose(sig, torch.sigmoid(torch.tensor(z)).numpy(), atol=1e-9)
    at.button(key="whatif_shift").click().run()
    z2, soft2, sig2 = whatif_values(at)
    np.testing.assert_allclose(z2, z + 1)
    np.testing.assert_allclose(soft2, soft, atol=1e-9)  # only differences matter to softmax
    assert np.all(sig2 > sig)
    at.button(key="whatif_equal").click().run()
    np.testing.assert_allclose(whatif_values(at)[1], [1 / 3] * 3, atol=1e-9)
    at.button(key="whatif_text").click().run()
    # The text's own sums, unrounded: the what-if repeats section 3's numbers exactly.
    np.testing.assert_allclose(whatif_values(at)[0], last_logits(tiny_heads["softmax"], WORDS[0]).numpy(), atol=1e-6)


SHIPPED = [h for h, name in HEAD_MODELS.items() if (MODELS_DIR / f"{name}.pt").is_file()]


@pytest.mark.skipif("softmax" not in SHIPPED, reason="the shipped softmax model is not in assets/models yet")
@pytest.mark.parametrize("word", ["terrible", "phenomenal"])
def test_shipped_models_honest_about_single_words(word):
    """With the shipped models: numbers equal torch's, and the page says so when the top class is not the expected one."""
    at = open_app("pages/softmax.py")
    at.radio(key="heads_word").set_value(word).run()
    assert not at.exception and not at.error
    probs = torch.softmax(last_logits(HEAD_MODELS["softmax"], word), dim=-1)
    soft = chart(at, CHARTS["softmax"])["data"][2]["y"]
    np.testing.assert_allclose(soft, probs.numpy(), atol=1e-6)
    top = ("negative", "neutral", "positive")[int(probs.argmax())]
    print(f"{word}: softmax top class {top}, probs {np.round(probs.numpy(), 4).tolist()}")
    said = any(f"call “{word}” {EXPECTED[word]}" in i.value for i in at.info)
    assert said == (top != EXPECTED[word])
    for head in SHIPPED:
        assert has(at, CHARTS[head])


def test_presenter_mode_hides_the_preset_buttons(tiny_heads):
    at = open_app("pages/softmax.py")
    at.toggle(key="presenter").set_value(True).run()
    assert not at.exception
    assert not has(at, "whatif_shift")
    assert all(has(at, k) for k in [*CHARTS.values(), "heads_whatif_chart"])
