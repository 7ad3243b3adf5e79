"""Bad model files in the models folder: each is refused with a message naming it, nothing in it runs, and the app
still offers the good models. The folder is a temporary copy (RNN_LENS_MODELS), never assets/models.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from rnn_core.model.cards import card_line, short_label
from rnn_core.model.checkpoint import (
    MODELS_DIR,
    MODELS_ENV,
    ModelFileError,
    check_model_file,
    list_models,
    models_dir,
    resolve_model_path,
)

from .conftest import ROOT

GOOD = ["gru-sst2", "rnn-sst2"]
pytestmark = pytest.mark.skipif(
    not all((MODELS_DIR / f"{name}.pt").is_file() for name in GOOD), reason="needs the shipped rnn-sst2 and gru-sst2"
)


class Payload:
    """Unpickling this creates a file: the proof that code in a checkpoint ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def bad_files(folder: Path, marker: Path) -> dict[str, str]:
    """Write the bad checkpoints; returns name -> what the message must say."""
    good = (MODELS_DIR / "rnn-sst2.pt").read_bytes()
    (folder / "damaged.pt").write_bytes(good[:1000] + bytes(range(256)) * 40 + good[11_240:])
    (folder / "truncated.pt").write_bytes(good[: len(good) // 3])
    (folder / "empty.pt").write_bytes(b"")
    (folder / "text.pt").write_text("these are not weights\n")
    torch.save({"weights": torch.zeros(3), "note": "some other program's file"}, folder / "foreign.pt")
    torch.save(torch.nn.LSTM(4, 4).state_dict(), folder / "foreign-state-dict.pt")
    (folder / "pickle-payload.pt").write_bytes(pickle.dumps(Payload(marker)))
    torch.save({"format": "rnn-lens/1", "state_dict": Payload(marker)}, folder / "torch-payload.pt")
    damaged = "damaged or not a safe PyTorch checkpoint"
    return {
        "damaged": damaged,
        "truncated": damaged,
        "empty": damaged,
        "text": damaged,
        "foreign": "not an RNN Lens checkpoint",
        "foreign-state-dict": "not an RNN Lens checkpoint",
        "pickle-payload": damaged,
        "torch-payload": damaged,
    }


@pytest.fixture
def models_folder(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    for name in GOOD:
        for suffix in (".pt", ".json"):
            shutil.copy(MODELS_DIR / f"{name}{suffix}", folder / f"{name}{suffix}")
    marker = tmp_path / "code-ran"
    expected = bad_files(folder, marker)
    monkeypatch.setenv(MODELS_ENV, str(folder))
    yield folder, expected
    assert not marker.exists(), "a checkpoint ran code while loading"


def test_the_folder_follows_the_environment(models_folder):
    folder, expected = models_folder
    assert models_dir() == folder and resolve_model_path("rnn-sst2") == folder / "rnn-sst2.pt"
    assert set(list_models()) == set(GOOD) | set(expected)


def test_bad_files_are_refused_by_name_and_the_good_ones_offered(models_folder):
    folder, expected = models_folder
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    offered = at.selectbox(key="model").options
    assert [o.split(" ")[0] for o in offered] == GOOD
    warnings = [w.value for w in at.warning]
    for name, why in expected.items():
        said = [w for w in warnings if f"Model {name} is not offered" in w]
        assert said, f"no message for {name}.pt: {warnings}"
        assert str(folder / f"{name}.pt") in said[0] and why in said[0], said[0]
    # and the app works with what is left
    at.selectbox(key="model").set_value("gru-sst2").run()
    at.switch_page("pages/word_by_word.py").run()
    at.text_area(key="review").input("a dull , lifeless film").run()
    assert not at.exception and not at.error
    assert at.get_by_key("word_by_word_chart")


def test_a_folder_of_only_bad_files_says_so(models_folder):
    folder, _ = models_folder
    for name in GOOD:
        (folder / f"{name}.pt").unlink()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("No trained model could be loaded" in e.value for e in at.error)


def test_the_picker_offers_names_and_its_caption_the_card():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    # The options are the models' names (a link says ?model=gru-sst2); the line under the picker says the rest.
    assert sorted(at.selectbox(key="model").options) == sorted(p.stem for p in MODELS_DIR.glob("*.pt"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["model"] = "gru-sst2"  # as a shared link or an earlier choice leaves it
    at.run()
    card = json.loads((MODELS_DIR / "gru-sst2.json").read_text())
    expected = f"GRU cell, sigmoid output, test accuracy {card['test_accuracy']:.1%} on {card['test_n']:,} sentences"
    assert expected in [c.value for c in at.sidebar.get("caption")]


def test_card_words_without_streamlit():
    card = {"cell": "lstm", "head": "sigmoid3", "test_accuracy": 0.8429, "test_n": 1821}
    assert short_label("m", card) == "m · LSTM, 3 sigmoids · 84%"
    assert card_line(card) == "LSTM cell, 3 sigmoids output, test accuracy 84.3% on 1,821 sentences"
    assert short_label("m", {}) == "m" and card_line({}) == ""
    assert short_label("m", {"cell": "gru", "head": "softmax"}) == "m · GRU, softmax"  # a card without a score
    memory = {"cell": "rnn", "head": "sigmoid", "test_accuracy": 1.0, "test_n": 500, "task": "memory task, L = 20"}
    assert card_line(memory) == "RNN cell, sigmoid output, held-out accuracy 100.0% on 500 memory-task sequences"


def test_the_picker_checks_files_without_building_models(models_folder):
    folder, expected = models_folder
    for name in GOOD:
        check_model_file(folder / f"{name}.pt")
    for name, why in expected.items():
        with pytest.raises(ModelFileError, match=why):
            check_model_file(folder / f"{name}.pt")


def misfit(folder: Path) -> Path:
    """A checkpoint whose records are sound but whose weights do not fit the model it describes, with a card."""
    payload = torch.load(MODELS_DIR / "rnn-sst2.pt", weights_only=True)
    payload["state_dict"] = {k: v[..., :1] for k, v in payload["state_dict"].items()}  # (.., 1): every shape wrong
    torch.save(payload, folder / "misfit.pt")
    shutil.copy(MODELS_DIR / "rnn-sst2.json", folder / "misfit.json")
    return folder / "misfit.pt"


def test_a_model_that_fails_when_first_used_is_reported_on_the_page(models_folder):
    folder, _ = models_folder
    path = misfit(folder)
    check_model_file(path)  # passes the start-up check: only loading finds the fault
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "misfit" in at.selectbox(key="model").options
    at.selectbox(key="model").set_value("misfit").run()
    at.switch_page("pages/word_by_word.py").run()
    assert not at.exception, at.exception
    said = [e.value for e in at.error]
    assert any(str(path) in e and "weights do not fit" in e for e in said), said
