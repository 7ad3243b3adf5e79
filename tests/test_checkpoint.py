"""Saving and loading: round trip, and refusal of missing, damaged, foreign or pickled files."""

import pickle

import numpy as np
import pytest
import torch

from rnn_core.explain.trace import trace
from rnn_core.model import checkpoint
from rnn_core.model.checkpoint import ModelFileError, load_model, save_model

from .conftest import make_model


@pytest.fixture
def vocab_file(tmp_path, tiny_vocab):
    path = tmp_path / "vocab.json"
    tiny_vocab.save(path)
    return path


def test_round_trip(tmp_path, tiny_vocab, vocab_file):
    model = make_model("gru", "softmax", tiny_vocab)
    save_model(model, tmp_path / "m.pt", tiny_vocab)
    loaded = load_model(tmp_path / "m.pt", vocab_path=vocab_file)
    assert loaded.config == model.config and loaded.name == "m" and not loaded.training
    np.testing.assert_array_equal(trace(loaded, "good movie").probs, trace(model, "good movie").probs)


class Boom:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such model file"),
        (b"", "damaged or not a safe PyTorch checkpoint"),
        (b"hello, I am text", "damaged or not a safe PyTorch checkpoint"),
        (pickle.dumps(Boom(), protocol=2), "damaged or not a safe PyTorch checkpoint"),
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path, vocab_file, content, message, capsys):
    path = tmp_path / "bad.pt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelFileError, match=message) as err:
        load_model(path, vocab_path=vocab_file)
    assert str(path) in str(err.value)
    assert "must never run" not in capsys.readouterr().out


def test_truncated_foreign_and_mismatched_files(tmp_path, tiny_vocab, vocab_file):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    good = tmp_path / "good.pt"
    save_model(model, good, tiny_vocab)
    (tmp_path / "cut.pt").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    torch.save({"weights": torch.zeros(3)}, tmp_path / "foreign.pt")
    torch.save(torch.nn.Linear(2, 2).state_dict(), tmp_path / "plain.pt")
    payload = torch.load(good, weights_only=True)
    payload["state_dict"]["W_hh"] = torch.zeros(2, 2)
    torch.save(payload, tmp_path / "shapes.pt")
    for name, message in [
        ("cut", "damaged"),
        ("foreign", "not an RNN Lens"),
        ("plain", "not an RNN Lens"),
        ("shapes", "do not fit"),
    ]:
        with pytest.raises(ModelFileError, match=message):
            load_model(tmp_path / f"{name}.pt", vocab_path=vocab_file)


def test_other_dictionary_is_refused(tmp_path, tiny_vocab):
    from rnn_core.text.vocab import Vocab

    save_model(make_model("rnn", "sigmoid", tiny_vocab), tmp_path / "m.pt", tiny_vocab)
    other = Vocab(tuple(reversed(tiny_vocab.itos[2:])) + tiny_vocab.itos[:2])
    other_path = tmp_path / "other.json"
    Vocab(("<pad>", "<unk>", *other.itos[:-2])).save(other_path)
    with pytest.raises(ModelFileError, match="different dictionary"):
        load_model(tmp_path / "m.pt", vocab_path=other_path)


def test_bare_name_resolves_in_assets():
    assert checkpoint.resolve_model_path("rnn-sst2") == checkpoint.MODELS_DIR / "rnn-sst2.pt"
    assert checkpoint.resolve_model_path("x/y.pt").name == "y.pt"
