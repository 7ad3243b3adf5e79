"""Through AppTest: links by name (and old links), Reset, a paste longer than the box, text with only punctuation, and
every chart's download options and every page's 'Download data'."""

from __future__ import annotations

import json

import pytest

from rnn_core import load_model, trace
from rnn_core.lesson import DEFAULT_MODEL, DEFAULT_REVIEW
from ui.review import MAX_REVIEW_CHARS

from .conftest import open_app

OLD_LABEL = "gru-sst2 · GRU, sigmoid · 86%"  # what the picker wrote into links before it held names


def card_caption(at) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("given", ["gru-sst2", OLD_LABEL, "gru-sst2 · GRU, sigmoid · 84%", "GRU-SST2"])
def test_a_link_names_the_model(given):
    at = open_app("pages/word_by_word.py", {"model": given, "review": "not bad at all"})
    assert not at.exception, at.exception
    assert at.session_state["model"] == "gru-sst2"
    assert "GRU cell" in card_caption(at)
    expected = trace(load_model("gru-sst2"), "not bad at all").probs[-1, 0]
    assert f"P(positive) = {expected:.3f}" in " ".join(h.proto.body for h in at.get("html"))
    at.run()  # the next run (any click) writes the URL in the app's own spelling, ready to share again
    assert at.query_params.get("model") == "gru-sst2"


@pytest.mark.parametrize(
    "value, on", [("1", True), ("true", True), ("True", True), ("yes", True), ("0", False), ("banana", False)]
)
def test_presenter_links(value, on):
    at = open_app(None, {"presenter": value})
    assert not at.exception, at.exception
    assert at.session_state["presenter"] is on
    at.run()
    assert (at.query_params.get("presenter", "").lower() == "true") is on


def test_reset_returns_to_the_default_review_and_model():
    at = open_app("pages/word_by_word.py", {"model": "lstm-sst2", "review": "the plot is dull"})
    at.toggle(key="quiz").set_value(True).run()
    at.button(key="quiz_up").click().run()
    at.button(key="reset").click().run()
    assert not at.exception, at.exception
    assert at.session_state["model"] == DEFAULT_MODEL
    assert at.text_area(key="review").value == DEFAULT_REVIEW
    assert "model" not in at.query_params and "review" not in at.query_params
    assert not at.dataframe, "the quiz starts again for the default review"


@pytest.mark.parametrize("length", [15_000, 100_000])
def test_a_long_paste_keeps_what_fits_and_says_how_long_it_was(length):
    text = ("A lovely film with a warm heart and a great cast. " * 3000)[:length]
    at = open_app("pages/word_by_word.py")
    at.text_area(key="review").set_value(text).run()
    assert not at.exception, at.exception
    box = at.text_area(key="review").value
    assert box and len(box) <= MAX_REVIEW_CHARS and text.startswith(box) and box == box.rstrip()
    assert len(box) > MAX_REVIEW_CHARS - 200 and text[len(box)] == " "  # a whole word at the end
    said = " ".join(w.value for w in at.warning)
    assert f"{length:,} characters" in said and f"{len(box):,}" in said
    assert "There are no words to read" not in " ".join(i.value for i in at.info)
    at.text_area(key="review").set_value("a short review").run()
    assert not at.warning and at.get("plotly_chart")


def test_a_short_paste_after_a_long_one_gets_no_note():
    at = open_app("pages/word_by_word.py")
    at.text_area(key="review").set_value("x " * 6_000).run()
    assert at.warning
    at.text_area(key="review").set_value("good").run()
    assert not at.warning


@pytest.mark.parametrize("text", ["!!!", "... ?! --", "(!)"])
def test_only_punctuation_is_said(text):
    at = open_app("pages/word_by_word.py")
    at.text_area(key="review").set_value(text).run()
    assert not at.exception, at.exception
    notes = [i.value for i in at.info if "Only punctuation was read" in i.value]
    assert len(notes) == 1
    p = trace(load_model(DEFAULT_MODEL), text).probs[-1, 0]
    assert f"P(positive) = {p:.3f}" in notes[0]


@pytest.mark.parametrize("text", ["good!", "😀🎬", "zxqv !"])
def test_words_or_unknown_words_are_not_called_punctuation(text):
    at = open_app("pages/word_by_word.py")
    at.text_area(key="review").set_value(text).run()
    assert not any("Only punctuation" in i.value for i in at.info) or text == "zxqv !"


PAGES = {
    "pages/home.py": ("home", []),
    "pages/word_by_word.py": ("word-by-word", ["trace"]),
    "pages/one_step.py": ("one-step", ["trace"]),
    "pages/vanishing.py": ("vanishing", ["trace", "influence", "state matrix"]),
    "pages/softmax.py": ("softmax", ["sigmoid trace", "sigmoid3 trace", "softmax trace"]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_chart_downloads_for_slides_and_every_page_its_data(page):
    name, tables = PAGES[page]
    at = open_app(page, {"review": "that was a moving film"})
    if page.endswith("softmax.py"):
        at.radio(key="heads_source").set_value("The shared review").run()
    assert not at.exception, at.exception
    for fmt in ("PNG", "SVG"):
        at.segmented_control(key="image_format").set_value(fmt).run()
        charts = at.get("plotly_chart")
        assert charts
        for c in charts:
            config = json.loads(c.proto.config)
            options = config["toImageButtonOptions"]
            assert options["format"] == fmt.lower() and options["scale"] == 2
            assert options["filename"].startswith(f"rnn-lens_{name}")
            assert page.endswith("home.py") or options["filename"].endswith("that-was-a-moving-film")
            assert config["displayModeBar"] is True and "zoom2d" in config["modeBarButtonsToRemove"]
            assert "toImage" not in config["modeBarButtonsToRemove"] and "resetScale2d" not in config["modeBarButtonsToRemove"]
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert buttons["Handout (HTML)"].deferred_file_id
    for table in tables:
        button = buttons[f"Download data: {table} (CSV)"]
        assert button.deferred_file_id, "built on a click only"
