"""The shipped language models: their cards against `python -m rnn_core.evaluate`, their size, and the claims pages
make about them (recomputed from the files)."""

from __future__ import annotations

import json

import pytest

from rnn_core import load_vocab
from rnn_core.explain.forgetting import Case, forgetting, forgetting_lesson
from rnn_core.lesson import COND_MODEL, FORGETTING_CASES, LM_MODELS
from rnn_core.model.evaluate import main as evaluate_main
from rnn_core.model.language import list_language_models, lm_dir, load_language_model, resolve_lm_path
from rnn_core.model.lm_mood import PATHWAYS, label_agreement, label_pathways

from .conftest import open_app

SHIPPED = (*LM_MODELS.values(), COND_MODEL)
MAX_MB = 15  # a fresh clone stays light


def shipped(name: str):
    if not resolve_lm_path(name).is_file():
        pytest.skip(f"{name} is not in {lm_dir()} (train it: python -m rnn_core.lm_train --preset {name})")
    return load_language_model(name, load_vocab())


@pytest.mark.parametrize("name", SHIPPED)
def test_each_model_is_small_and_has_a_card(name):
    model = shipped(name)
    path = resolve_lm_path(name)
    assert path.stat().st_size <= MAX_MB * 1e6
    card = list_language_models()[name]
    for key in ("dev_perplexity", "test_perplexity", "ngram_baseline", "train_seconds", "parameters", "file_mb"):
        assert key in card, key
    assert card["parameters"] == sum(p.numel() for p in model.parameters())
    assert card["file_mb"] == pytest.approx(path.stat().st_size / 1e6, abs=0.01)
    assert card["train_seconds"] <= 600 and card["torch_threads"] <= 2  # within 10 minutes on the 2 cores


@pytest.mark.data
@pytest.mark.parametrize("name", SHIPPED)
def test_cards_carry_what_the_evaluate_command_measures(name, data_dir, capsys):
    model = shipped(name)
    card = model.card
    for split in ("dev", "test"):
        evaluate_main(["--model", name, "--data-dir", str(data_dir), "--split", split])
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert result["model"] == name and result["split"] == split
        assert card[f"{split}_perplexity"] == pytest.approx(result["perplexity"], rel=1e-4)
        assert card["ngram_baseline"][f"{split}_perplexity"] == pytest.approx(result["ngram"]["perplexity"], rel=1e-6)
        if model.config.labels:
            for label in ("negative", "positive"):
                assert card[f"{split}_perplexity_{label}"] == pytest.approx(result[f"perplexity_{label}"], rel=1e-4)


def test_conditional_models_card_agreement_is_recomputed():
    model = shipped(COND_MODEL)
    card = model.card["label_agreement"]
    again = label_agreement(model, samples=card["samples"], temperature=card["temperature"])
    for judge in ("rnn-sst2", "gru-sst2"):
        assert again[judge] == pytest.approx(card[judge])


def test_conditional_models_card_pathways_are_recomputed():
    """Each way of reading the label taken out in turn (weights set to zero), the same judges on the same seeds."""
    model = shipped(COND_MODEL)
    card = model.card["label_pathways"]
    again = label_pathways(model)
    assert set(again) == set(card) == set(PATHWAYS)
    for pathway, rates in card.items():
        for judge in ("rnn-sst2", "gru-sst2"):
            assert again[pathway][judge] == pytest.approx(rates[judge]), (pathway, judge)
    # taken out, then put back: the model writes as before
    assert label_agreement(model)["rnn-sst2"] == pytest.approx(model.card["label_agreement"]["rnn-sst2"])


def test_the_shapes_page_says_where_the_mood_comes_from():
    from rnn_core.explain.claims import CHANCE_BAND, PATHWAY_LITTLE, label_pathway_lesson, share_text

    model = shipped(COND_MODEL)
    rates = {judge: model.card["label_agreement"][judge] for judge in ("rnn-sst2", "gru-sst2")}
    pathways = model.card["label_pathways"]
    said = label_pathway_lesson(rates, pathways, model.card["label_agreement"]["samples"])
    mean = {p: sum(r.values()) / len(r) for p, r in pathways.items()}
    full = sum(rates.values()) / len(rates)
    bias_carries = mean["without_output_bias"] <= 0.5 + CHANCE_BAND
    start_adds_little = abs(full - mean["without_first_state_and_word_vector"]) < PATHWAY_LITTLE
    assert ("writes its mood through the bias" in said) == (bias_carries and start_adds_little)
    assert f"the same {model.card['label_agreement']['samples']} sentences" in said
    for share in [*rates.values(), *(v for r in pathways.values() for v in r.values())]:
        assert share_text(share) in said
    assert share_text(0.795) == "79.5%" and share_text(0.8) == "80%" and share_text(0.455) == "45.5%"
    at = open_app("pages/shapes.py")
    assert not at.exception
    assert any(said in m.value for m in at.markdown)
    # the other outcomes, in words
    first, bias = "without_first_state_and_word_vector", "without_output_bias"
    assert "So the mood is carried by h₀" in label_pathway_lesson({"a": 0.8}, {first: {"a": 0.5}, bias: {"a": 0.78}})
    assert "Each carries part" in label_pathway_lesson({"a": 0.8}, {first: {"a": 0.7}, bias: {"a": 0.7}})
    assert label_pathway_lesson({"a": 0.8}, {first: "broken"}) == ""


@pytest.mark.parametrize("case_key", list(FORGETTING_CASES))
def test_the_forgetting_sentences_hold_for_the_shipped_models(case_key):
    models = {label: shipped(name) for label, name in LM_MODELS.items()}
    result = forgetting(models, Case(**FORGETTING_CASES[case_key]))
    lines = forgetting_lesson(result)
    assert len(lines) == len(models) + 1  # one line per model, then the distance each still reaches
    assert result.distances == sorted(result.distances) and result.distances[0] < result.distances[-1]


def test_the_shapes_page_says_what_the_label_agreement_means():
    from rnn_core.explain.claims import CHANCE_BAND, MOOD_FOLLOWED, MOOD_MOSTLY, label_agreement_lesson

    card = shipped(COND_MODEL).card["label_agreement"]
    rates = {judge: card[judge] for judge in ("rnn-sst2", "gru-sst2")}
    said = label_agreement_lesson(rates)
    if min(rates.values()) >= MOOD_FOLLOWED:
        assert "steers what it writes" in said
    elif max(rates.values()) <= 0.5 + CHANCE_BAND:
        assert "coin" in said and "barely uses its one input" in said
    elif min(rates.values()) >= MOOD_MOSTLY:
        assert "steers most of what it writes" in said
    else:
        assert "a little" in said
    assert label_agreement_lesson({"a": 0.9, "b": 0.85}).startswith("At least 85%")
    assert "coin" in label_agreement_lesson({"a": 0.52, "b": 0.47})
    assert label_agreement_lesson({"a": 0.7, "b": 0.5}).startswith("Between 50% and 70%")
    assert "one sentence in 4 reads as the other mood" in label_agreement_lesson({"a": 0.78, "b": 0.72})


def test_conditional_models_label_strength_is_recomputed():
    """The strength in the file is the card's; at it every judge reaches the target on the calibration sentences, at
    the strength tried before it some judge does not (the shares recomputed from the model and the judges)."""
    from rnn_core.model.checkpoint import load_model
    from rnn_core.model.lm_mood import JUDGES, MOOD_AIM, calibration_shares, with_strength

    model = shipped(COND_MODEL)
    card = model.card["label_strength"]
    strength = model.config.label_strength
    assert card["strength"] == strength and card["reached"] and card["target"] > MOOD_AIM
    judges = {name: load_model(name) for name in JUDGES}
    tried = [float(s) for s in card["tried"]]
    assert tried == sorted(tried) and tried[-1] == strength
    for s in sorted({tried[0], *tried[-2:]}):  # as trained, the strength before the one set, and the one set
        shares = calibration_shares(with_strength(model, s), judges)
        assert shares == {j: pytest.approx(card["tried"][f"{s:g}"][j]) for j in JUDGES}, s
        assert all(v >= card["target"] for v in shares.values()) == (s == strength), s
    with_strength(model, strength)
    assert card["tried"][f"{strength:g}"]["dev_perplexity"] == pytest.approx(model.card["dev_perplexity"], rel=1e-4)
    assert all(model.card["label_agreement"][j] >= MOOD_AIM for j in JUDGES)  # the aim, on the card's own sentences


def test_the_shapes_page_says_how_strongly_the_label_counts():
    from rnn_core.explain.claims import label_strength_lesson, share_text
    from rnn_core.lesson import COND_JUDGES
    from rnn_core.model.lm_mood import JUDGES

    card = shipped(COND_MODEL).card["label_strength"]
    model = shipped(COND_MODEL)
    assert COND_JUDGES == JUDGES  # the page names the judges the card measured
    said = label_strength_lesson(card, COND_JUDGES, model.config.label_strength)
    assert said
    chosen, trained = card["tried"][f"{card['strength']:g}"], card["tried"]["1"]
    assert f"count {card['strength']:g} times" in said and f"reached {share_text(card['target'])}" in said
    for judge in ("rnn-sst2", "gru-sst2"):
        assert f"{judge} {share_text(chosen[judge])}" in said and f"{judge} {share_text(trained[judge])}" in said
    assert f"{trained['dev_perplexity']:.1f} as trained, {chosen['dev_perplexity']:.1f} now" in said
    at = open_app("pages/shapes.py")
    assert not at.exception
    assert any(m.value == "**How strongly the label counts.** " + said for m in at.markdown)
    assert any(f"the label's bias counted {card['strength']:g} times, see below" in c.value for c in at.caption)


@pytest.mark.data
def test_conditional_models_tried_perplexities_are_recomputed(data_dir):
    """The dev perplexity the page quotes as trained (strength 1) and at the shipped strength, from the file and the data."""
    from rnn_core.model.lm_eval import binary_labels, encode, lm_perplexity
    from rnn_core.model.lm_mood import with_strength
    from rnn_core.text.sentences import read_sentences

    model = shipped(COND_MODEL)
    card = model.card["label_strength"]
    kept, labels = binary_labels(read_sentences(data_dir, "dev"))
    ids = encode(kept, model.vocab)
    for strength in ("1", f"{model.config.label_strength:g}"):
        ppl = lm_perplexity(with_strength(model, float(strength)), ids, labels)
        assert ppl == pytest.approx(card["tried"][strength]["dev_perplexity"], rel=1e-4), strength
