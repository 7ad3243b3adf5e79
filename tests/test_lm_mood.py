"""The label's strength in a conditional language model: what it multiplies, how it is stored, how it is chosen
after training (lm_mood.calibrate_strength) and what the page says of it. Tiny models; no data needed."""

from __future__ import annotations

import math

import pytest
import torch

from rnn_core.explain.claims import label_strength_lesson
from rnn_core.model import lm_mood
from rnn_core.model.checkpoint import ModelFileError
from rnn_core.model.language import LanguageConfig, lm_vocab, load_language_model, save_language_model

from .test_language_model import make_lm


def test_the_strength_multiplies_the_labels_bias_and_nothing_else(tiny_vocab):
    ids = torch.tensor([[12, 2, 5, 7, 3], [12, 9, 9, 1, 4]])  # (B, T): the start mark (<eos> = 12) then words
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=True)
    lab = torch.tensor([1, 0])
    trained = model(ids, lab)  # (B, T, V)
    bias = model.b_label.t()[lab][:, None, :]  # (B, 1, V)
    lm_mood.with_strength(model, 1.5)
    torch.testing.assert_close(model(ids, lab), trained + 0.5 * bias, atol=1e-5, rtol=0)
    lm_mood.with_strength(model, 0.0)
    torch.testing.assert_close(model(ids, lab), trained - bias, atol=1e-5, rtol=0)
    assert model.config.label_strength == 0.0 and model.config.hidden_size == 6  # the rest of the config as it was


def test_the_strength_is_saved_in_the_file_and_older_files_read_as_trained(tmp_path, tiny_vocab):
    model = lm_mood.with_strength(make_lm("gru", tiny_vocab, labels=2, every_step=True), 1.2)
    save_language_model(model, tmp_path / "lm-strong.pt", lm_vocab(tiny_vocab))
    assert load_language_model(tmp_path / "lm-strong.pt", tiny_vocab).config.label_strength == 1.2
    payload = torch.load(tmp_path / "lm-strong.pt", weights_only=True)
    del payload["config"]["label_strength"]  # a file written before the strength existed
    torch.save(payload, tmp_path / "lm-older.pt")
    assert load_language_model(tmp_path / "lm-older.pt", tiny_vocab).config.label_strength == 1.0


@pytest.mark.parametrize("bad", [-0.5, math.nan, math.inf, 11.0, True, "1.2", None])
def test_a_strength_that_is_not_a_sensible_number_is_refused(tmp_path, tiny_vocab, bad):
    with pytest.raises(ValueError, match="label_strength"):
        LanguageConfig("lstm", 6, 4, 14, 2, True, bad)
    model = make_lm("rnn", tiny_vocab, labels=2, every_step=True)
    save_language_model(model, tmp_path / "lm-bad.pt", lm_vocab(tiny_vocab))
    payload = torch.load(tmp_path / "lm-bad.pt", weights_only=True)
    payload["config"]["label_strength"] = bad
    torch.save(payload, tmp_path / "lm-bad.pt")
    with pytest.raises(ModelFileError, match="lm-bad.pt"):
        load_language_model(tmp_path / "lm-bad.pt", tiny_vocab)


def fake_shares(monkeypatch, rise: dict[str, float]) -> list[float]:
    """calibration_shares replaced: judge j's share is 0.7 + rise[j] * (strength - 1); returns the strengths asked."""
    asked: list[float] = []

    def shares(model, judges, seeds=lm_mood.CALIBRATION_SEEDS):
        s = model.config.label_strength
        asked.append(s)
        return {j: round(0.7 + rise[j] * (s - 1), 4) for j in judges}

    monkeypatch.setattr(lm_mood, "calibration_shares", shares)
    monkeypatch.setattr(lm_mood, "load_model", lambda name: name)
    return asked


def test_calibration_takes_the_smallest_strength_every_judge_agrees_with(monkeypatch, tiny_vocab):
    asked = fake_shares(monkeypatch, {"a": 0.8, "b": 0.5})  # a reaches 0.84 at 1.2; b only at 1.3
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=True)
    ppl = iter(range(100, 200))
    result = lm_mood.calibrate_strength(model, ("a", "b"), dev_perplexity=lambda m: float(next(ppl)))
    assert result["strength"] == 1.3 == model.config.label_strength and result["reached"]
    assert asked == [1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3]  # it stops at the first strength that meets the target
    assert list(result["tried"]) == ["1", "1.05", "1.1", "1.15", "1.2", "1.25", "1.3"]
    assert result["tried"]["1.3"] == {"a": 0.94, "b": 0.85, "dev_perplexity": 106.0}
    assert result["tried"]["1.25"]["b"] < result["target"] == lm_mood.CALIBRATION_TARGET
    assert result["samples"] == 400 and result["seeds"] == [[5000, 5199], [7000, 7199]]
    card_seeds = range(lm_mood.SAMPLE_SEED, lm_mood.SAMPLE_SEED + lm_mood.SAMPLES)
    assert not any(a <= s <= b for a, b in result["seeds"] for s in card_seeds)  # none of the card's sentences


def test_calibration_keeps_the_trained_strength_when_none_reaches_the_target(monkeypatch, tiny_vocab):
    asked = fake_shares(monkeypatch, {"a": 0.1, "b": 0.0})
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=True)
    result = lm_mood.calibrate_strength(model, ("a", "b"))
    assert result["strength"] == 1.0 == model.config.label_strength and not result["reached"]
    assert asked == list(lm_mood.STRENGTHS) and "dev_perplexity" not in result["tried"]["1.5"]
    assert "counts once, as trained" in label_strength_lesson(result, ("a", "b"), 1.0)
    assert "short of 84% (the aim of 80% plus a margin" in label_strength_lesson(result, ("a", "b"), 1.0)
    only_h0 = make_lm("lstm", tiny_vocab, labels=2)
    assert lm_mood.calibrate_strength(only_h0, ("a",)) == {} and only_h0.config.label_strength == 1.0


def test_first_meeting():
    tried = {1.0: {"a": 0.9, "b": 0.7}, 1.1: {"a": 0.86, "b": 0.84}, 1.2: {"a": 0.95, "b": 0.9}}
    assert lm_mood.first_meeting(tried, ("a", "b"), 0.84) == 1.1
    assert lm_mood.first_meeting(tried, ("a",), 0.84) == 1.0
    assert lm_mood.first_meeting(tried, ("a", "c"), 0.84) is None  # a judge without a share never meets it


def test_what_the_page_says_of_the_strength():
    card = {
        "strength": 1.15,
        "reached": True,
        "target": 0.84,
        "samples": 400,
        "tried": {
            "1": {"a": 0.8, "b": 0.7975, "dev_perplexity": 120.04},
            "1.15": {"a": 0.86, "b": 0.8425, "dev_perplexity": 121.96},
        },
    }
    said = label_strength_lesson(card, ("a", "b"), 1.15)
    assert "count 1.15 times" in said and "a 80%, b 79.75% of 400 other sentences" in said
    assert "at 1.15 times, a 86%, b 84.25%" in said and "reached 84% (the aim of 80% plus a margin" in said
    assert "The price: it fits real sentences a little less well (dev perplexity 120.0 as trained, 122.0 now)" in said
    dearer = {**card, "tried": {**card["tried"], "1.15": {**card["tried"]["1.15"], "dev_perplexity": 130.0}}}
    assert "fits real sentences less well (dev perplexity 120.0" in label_strength_lesson(dearer, ("a", "b"), 1.15)
    cheaper = {**card, "tried": {**card["tried"], "1.15": {**card["tried"]["1.15"], "dev_perplexity": 119.0}}}
    assert " It fits real sentences no worse" in label_strength_lesson(cheaper, ("a", "b"), 1.15)
    for broken in (
        {**card, "tried": {"1": card["tried"]["1"]}},  # the strength set is missing from what was tried
        {**card, "strength": "1.15"},
        {**card, "target": "0.84"},
        {**card, "target": None},
        {k: v for k, v in card.items() if k != "target"},
        {**card, "tried": {**card["tried"], "1": {"a": "80%", "b": 0.8}}},
        None,
        [1.15],
    ):
        assert label_strength_lesson(broken, ("a", "b"), 1.15) == "", broken
    assert label_strength_lesson(card, ("a", "b"), 1.2) == ""  # the card speaks of another strength than the file's
    assert label_strength_lesson(card, (), 1.15) == ""


@pytest.mark.data
def test_the_evaluate_command_sets_the_strength_in_the_file_and_the_card(tmp_path, data_dir, monkeypatch, capsys):
    """--calibrate: the strength chosen is saved into the model file, and --update-card writes it and the shares at it."""
    import functools
    import json

    from rnn_core import load_vocab
    from rnn_core.model import lm_eval
    from rnn_core.model.evaluate import main as evaluate_main
    from rnn_core.model.language import LanguageRNN

    words = lm_vocab(load_vocab())
    torch.manual_seed(0)
    model = LanguageRNN(LanguageConfig("rnn", 4, 2, len(words), 2, True))
    with torch.no_grad():
        model.b_label.uniform_(-1, 1)  # zeros as a new model's: then no strength would change anything
    path = tmp_path / "lm-tiny.pt"
    save_language_model(model, path, words)
    real_judges = lm_mood.load_model
    fake_shares(monkeypatch, {"rnn-sst2": 0.8, "gru-sst2": 0.5})  # both reach the target at 1.3, not at 1
    monkeypatch.setattr(lm_mood, "load_model", real_judges)  # the card's label_agreement: the real judges
    monkeypatch.setattr(lm_eval, "calibrate_strength", functools.partial(lm_mood.calibrate_strength, strengths=(1.0, 1.3)))
    monkeypatch.setattr(lm_eval, "label_pathways", lambda model: {})  # not what this test is about
    evaluate_main(["--model", str(path), "--data-dir", str(data_dir), "--calibrate", "--update-card"])
    printed = json.loads(capsys.readouterr().out.splitlines()[0])["label_strength"]
    card = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert printed == card["label_strength"] and card["label_strength"]["strength"] == 1.3
    tried = card["label_strength"]["tried"]
    assert list(tried) == ["1", "1.3"] and tried["1"]["dev_perplexity"] != tried["1.3"]["dev_perplexity"]
    assert load_language_model(path, load_vocab()).config.label_strength == 1.3  # saved into the file
    assert card["dev_perplexity"] == pytest.approx(tried["1.3"]["dev_perplexity"], rel=1e-4)  # measured at it
    assert set(card["label_agreement"]) >= {"rnn-sst2", "gru-sst2", "samples"}
    for wrong, why in (([], "add --update-card"), (["--update-card"], "no label bias to calibrate")):
        plain = tmp_path / "lm-plain.pt"
        save_language_model(LanguageRNN(LanguageConfig("rnn", 4, 2, len(words))), plain, words)
        with pytest.raises(SystemExit):
            evaluate_main(["--model", str(plain if wrong else path), "--data-dir", str(data_dir), "--calibrate", *wrong])
        assert why in capsys.readouterr().err


def test_at_strength_is_a_copy_sharing_the_weights(tiny_vocab):
    from rnn_core.model.language import at_strength

    ids = torch.tensor([[12, 2, 5, 7, 3]])
    model = lm_mood.with_strength(make_lm("lstm", tiny_vocab, labels=2, every_step=True), 1.2)
    shipped = model(ids, torch.tensor([0]))
    off = at_strength(model, 0.0)
    assert off is not model and off.b_label is model.b_label and off.W_hh is model.W_hh  # no weight copied
    assert model.config.label_strength == 1.2 and off.config.label_strength == 0.0  # the shared model is untouched
    torch.testing.assert_close(model(ids, torch.tensor([0])), shipped, atol=0, rtol=0)
    torch.testing.assert_close(off(ids, torch.tensor([0])), shipped - 1.2 * model.b_label[:, 0], atol=1e-5, rtol=0)
    assert at_strength(model, 1.2) is model
    with pytest.raises(ValueError, match="label_strength"):
        at_strength(model, -1.0)
