"""The RNN-shapes and Text-completion pages through AppTest, on tiny language models saved to files the pages load."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_core import MAX_TOKENS, load_model, load_vocab
from rnn_core.explain.completion import complete, judge, next_words
from rnn_core.explain.forgetting import Case, forgetting
from rnn_core.lesson import COMPLETION_START, COND_JUDGES, FORGETTING_CASES, LM_MODELS
from rnn_core.model.language import LABELS, WRITE_TEMPERATURE, lm_vocab, load_language_model, save_language_model
from tests.conftest import chart, has, open_app
from tests.figdata import array
from ui.messages import as_plain

from .test_language_model import make_lm


@pytest.fixture
def tiny_lms(tmp_path, monkeypatch):
    """Tiny language models on the real dictionary (and a conditional one), in place of the shipped ones."""
    vocab = load_vocab()
    paths = {}
    for i, (label, cell) in enumerate({"RNN": "rnn", "LSTM": "lstm", "conditional": "lstm"}.items()):
        path = tmp_path / f"lm-tiny-{label.lower()}.pt"
        cond = label == "conditional"
        model = make_lm(cell, vocab, labels=2 if cond else 0, hidden_size=6, embed_size=4, seed=i, every_step=cond)
        save_language_model(model, path, lm_vocab(vocab))
        paths[label] = str(path)
    monkeypatch.setitem(LM_MODELS, "RNN", paths["RNN"])
    monkeypatch.setitem(LM_MODELS, "LSTM", paths["LSTM"])
    monkeypatch.setattr("rnn_core.lesson.COND_MODEL", paths["conditional"])
    return paths


def lm(path: str):
    return load_language_model(path, load_vocab())


def test_completion_page_shows_the_models_numbers(tiny_lms):
    at = open_app("pages/completion.py")
    assert not at.exception and not at.error
    for label in ("RNN", "LSTM"):
        table = next_words(lm(tiny_lms[label]), COMPLETION_START)
        (bar,) = chart(at, f"completion_bars_{label}")["data"]
        np.testing.assert_allclose(array(bar["x"])[:-1], table.top_probs[-1], rtol=1e-6)
        assert array(bar["x"])[-1] == pytest.approx(1 - table.top_probs[-1].sum(), abs=1e-6)
        (heat,) = chart(at, f"completion_table_{label}")["data"]
        np.testing.assert_allclose(array(heat["z"]), table.top_probs, rtol=1e-6)
    case = Case(**FORGETTING_CASES[next(iter(FORGETTING_CASES))])
    result = forgetting({k: lm(v) for k, v in tiny_lms.items() if k in ("RNN", "LSTM")}, case)
    lines = chart(at, "forgetting_probs")["data"]
    np.testing.assert_allclose(array(lines[0]["y"]), result.models["RNN"].right, rtol=1e-6)
    np.testing.assert_allclose(array(lines[3]["y"]), result.models["LSTM"].swapped, rtol=1e-6)
    assert has(at, "forgetting_clue") and has(at, "forgetting_heatmap")
    assert not has(at, "complete_RNN") and "Complete" in [b.label for b in at.button]


def test_a_link_with_a_seed_writes_the_same_words(tiny_lms):
    query = {"start": "the plot", "seed": "41", "temperature": "0.7", "top_k": "10"}
    at = open_app("pages/completion.py", query)
    assert not at.exception and not at.error
    shown = " ".join(m.value for m in at.markdown)
    for label in ("RNN", "LSTM"):
        done = complete(lm(tiny_lms[label]), "the plot", 30, 0.7, 10, 41)
        assert f"**{as_plain(done.sentence)}**" in shown
    assert "seed 41" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"seed": "banana"}, "is not a whole number"),
        ({"seed": "-3"}, "outside 0 to"),
        ({"temperature": "50"}, "(50) is outside 0 to 3; 3 is used"),
        ({"temperature": "hot"}, "is not a number"),
    ],
)
def test_bad_numbers_in_the_link_are_named_and_replaced(tiny_lms, query, message):
    at = open_app("pages/completion.py", query)
    assert not at.exception
    assert any(message in w.value for w in at.warning), [w.value for w in at.warning]


@pytest.mark.parametrize(
    "query, key, used, message",
    [
        ({"seed": "12.7"}, "seed", 12, "(12.7) is not a whole number; 12 is used instead"),
        ({"seed": "1e99"}, "seed", 2**31 - 1, "(1e+99) is outside 0 to 2147483647; 2147483647 is used"),
        ({"temperature": "inf", "seed": "3"}, "temperature", 3.0, "(inf) is outside 0 to 3; 3 is used instead"),
        ({"temperature": "2", "seed": "3"}, "temperature", 2.0, None),
    ],
)
def test_what_the_warning_says_is_what_the_widget_and_the_link_use(tiny_lms, query, key, used, message):
    at = open_app("pages/completion.py", query)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(message in w for w in warnings) if message else not warnings, warnings
    widget = at.number_input(key=key) if key == "seed" else at.slider(key=key)
    assert widget.value == used
    caption = " ".join(c.value for c in at.caption if "Drawn word by word" in c.value)
    if not caption:  # no completion shown (the link's seed was dropped): nothing claimed about the link
        return
    in_link = str(at.query_params.get(key)) if key in at.query_params else None
    assert ("the address bar keeps these" in caption) == (in_link is not None and float(in_link) == used), (in_link, caption)
    if in_link is None and used:  # the value used is not in the link: the caption says so
        assert "does not hold them all yet" in caption


def test_temperature_zero_is_clamped_and_said(tiny_lms):
    at = open_app("pages/completion.py", {"temperature": "0", "seed": "1"})
    assert not at.exception
    assert any("0.1 is used" in c.value for c in at.caption)
    assert at.slider(key="temperature").value == 0.0


def test_bad_beginnings(tiny_lms):
    at = open_app("pages/completion.py")
    at.text_input(key="start").input("word " * (MAX_TOKENS + 1)).run()
    assert not at.exception and any(f"the limit is {MAX_TOKENS}" in i.value for i in at.info)
    at.text_input(key="start").input("").run()
    assert not at.exception and any("first word of a sentence" in i.value for i in at.info)
    (bar,) = chart(at, "completion_bars_RNN")["data"]
    np.testing.assert_allclose(array(bar["x"])[:-1], next_words(lm(tiny_lms["RNN"]), "").top_probs[0], rtol=1e-6)
    at.text_input(key="start").input("the zorblax <script>alert(1)</script>").run()
    assert not at.exception and any("zorblax" in c.value for c in at.caption)


def test_shapes_page(tiny_lms):
    at = open_app("pages/shapes.py")
    assert not at.exception and not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "RNN Lens does not ship a translation model" in text
    assert [
        a["text"].split("</b>")[0][3:]
        for a in chart(at, "shapes_diagram")["layout"]["annotations"]
        if a["text"].startswith("<b>")
    ][:2] == [
        "many-to-one",
        "one-to-many",
    ]
    cond = lm(tiny_lms["conditional"])
    written = complete(cond, "", 60, WRITE_TEMPERATURE, 0, 0, LABELS.index("negative"), unknown=False)
    assert "<unk>" not in written.tokens
    assert f"“{as_plain(written.sentence)}”" in text
    for name in COND_JUDGES:
        p, cls = judge(load_model(name), written.tokens)
        assert f"P(positive) = {p:.2f}" in text
    at.radio(key="write_label").set_value("positive").run()
    assert not at.exception
    (heat,) = chart(at, "write_h0")["data"]
    assert array(heat["z"]).shape == (2, 6)
    captions = " ".join(c.value for c in at.caption)
    assert "read again at every step" in captions  # this conditional model reads its label beside every word
    assert at.slider(key="write_strength").value == 1.0 and not at.info  # as shipped: this model's own strength


def test_the_label_strength_slider_writes_with_the_bias_counted_so_many_times(tiny_lms):
    from rnn_core.model.language import at_strength

    at = open_app("pages/shapes.py")
    at.slider(key="write_strength").set_value(0.0).run()
    assert not at.exception and not at.error
    off = at_strength(lm(tiny_lms["conditional"]), 0.0)
    written = complete(off, "", 60, WRITE_TEMPERATURE, 0, 0, LABELS.index("negative"), unknown=False)
    shipped = complete(lm(tiny_lms["conditional"]), "", 60, WRITE_TEMPERATURE, 0, 0, LABELS.index("negative"), unknown=False)
    assert written.tokens != shipped.tokens  # the bias changes what it writes
    text = " ".join(m.value for m in at.markdown)
    assert f"“{as_plain(written.sentence)}”" in text
    (note,) = at.info
    assert "counted 0 times (switched off" in note.value and "measured with it counted once, as shipped" in note.value


def test_pages_say_so_when_the_language_models_are_missing(monkeypatch):
    for label in list(LM_MODELS):
        monkeypatch.setitem(LM_MODELS, label, f"lm-missing-{label}")
    monkeypatch.setattr("rnn_core.lesson.COND_MODEL", "lm-missing-cond")
    at = open_app("pages/completion.py")
    assert not at.exception and any("could not be loaded" in w.value for w in at.warning)
    at = open_app("pages/shapes.py")
    assert not at.exception and any("lm-missing-cond is not in assets/lm yet" in w.value for w in at.warning)


def test_a_long_beginning_keeps_the_table_readable(tiny_lms):
    at = open_app("pages/completion.py", {"start": "the film is good and " * 12})  # 60 words: 61 steps
    assert not at.exception
    (heat,) = chart(at, "completion_table_RNN")["data"]
    assert array(heat["z"]).shape == (40, 10) and heat["y"][0].startswith("21. ")
    assert any("The last 40 steps of 61" in c.value for c in at.caption)
