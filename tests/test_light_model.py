"""The first page reads the sentiment models with NumPy (model.files.read_tensors, model.light): the same tensors as
torch.load, the same answers as the torch models, the same verdicts on the home page's pair, and no torch imported
by the app's first run."""

from __future__ import annotations

import collections
import io
import pickle
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from rnn_core.explain import claims
from rnn_core.explain.pair import light_pair_verdicts
from rnn_core.explain.trace import trace
from rnn_core.lesson import CELL_MODELS, DEFAULT_REVIEW, ORDER_PAIR, ORDER_PAIR_READER
from rnn_core.model.cards import CELL_NAMES
from rnn_core.model.checkpoint import MODELS_DIR, MODELS_ENV, load_model, save_model
from rnn_core.model.config import class_name
from rnn_core.model.files import FORMAT, ModelFileError, check_model_file, read_tensors
from rnn_core.model.light import LightModel, load_light
from rnn_core.text.encode import encode_text

from .conftest import ROOT, make_model, open_app

SHIPPED = sorted(p.stem for p in MODELS_DIR.glob("*.pt"))
TEXTS = (*ORDER_PAIR, DEFAULT_REVIEW, "a zorblax of a film 🎬 , <b>not</b> dull", "bad " * 60)


def light_twin(model) -> LightModel:
    weights = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    return LightModel("twin", model.config, weights, model.vocab)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("head", ["sigmoid", "softmax", "sigmoid3"])
def test_the_numpy_forward_gives_the_torch_models_answer(tiny_vocab, cell, head):
    model = make_model(cell, head, tiny_vocab, hidden_size=6, seed=3)
    twin = light_twin(model)
    for ids in ([2], [2, 3, 4, 5], list(range(len(tiny_vocab))) * 3):
        expected = model.probs(torch.tensor([ids]))[0, -1].detach().numpy()
        got = twin.final_probs(ids)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-6, rtol=0)
    if head == "softmax":
        assert twin.final_probs([2, 3]).sum() == pytest.approx(1.0, abs=1e-6)


def test_read_tensors_gives_what_torch_load_gives_views_and_half_precision_included(tmp_path):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    state = {"T": base.t(), "slice": base[1:, 2:], "half": base.half()[2], "scalar": torch.tensor(7.5), "ints": torch.arange(3)}
    path = tmp_path / "views.pt"
    torch.save({"format": FORMAT, "config": {"k": 1}, "state_dict": state}, path)
    got = read_tensors(path)
    assert got["config"] == {"k": 1}
    for name, tensor in state.items():
        assert got["state_dict"][name].dtype == tensor.numpy().dtype, name
        np.testing.assert_array_equal(got["state_dict"][name], tensor.numpy(), err_msg=name)
    check_model_file(path)


def test_a_tensor_whose_bytes_are_missing_is_refused(tmp_path):
    path = tmp_path / "short.pt"
    torch.save({"format": FORMAT, "state_dict": {"W": torch.zeros(100)}}, path)
    short = tmp_path / "shorter.pt"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(short, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:40] if info.filename.endswith("/data/0") else data)
    with pytest.raises(ModelFileError, match="damaged or not a safe PyTorch checkpoint"):
        check_model_file(short)


@pytest.mark.skipif(not SHIPPED, reason="no shipped models in assets/models")
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_model_read_with_numpy_answers_as_with_torch(name):
    light, model = load_light(name), load_model(name)
    payload = torch.load(MODELS_DIR / f"{name}.pt", weights_only=True)
    assert light.config == model.config and light.card == model.card
    for key, tensor in payload["state_dict"].items():
        np.testing.assert_array_equal(light.weights[key], tensor.numpy(), err_msg=key)
    for text in TEXTS:
        ids = encode_text(text, light.vocab)[1]
        expected = model.probs(torch.tensor([ids]))[0, -1].numpy()
        got = light.final_probs(ids)
        np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0, err_msg=text)
        assert class_name(got, model.config.head) == trace(model, text).final_class, text


@pytest.mark.skipif(
    not all((MODELS_DIR / f"{n}.pt").is_file() for n in CELL_MODELS.values()), reason="needs the shipped rnn, lstm and gru models"
)
def test_the_home_pages_verdicts_are_the_torch_models_verdicts():
    light = light_pair_verdicts({CELL_NAMES[c]: load_light(n) for c, n in CELL_MODELS.items()}, ORDER_PAIR, ORDER_PAIR_READER)
    traced = claims.pair_verdicts({CELL_NAMES[c]: load_model(n) for c, n in CELL_MODELS.items()}, ORDER_PAIR, ORDER_PAIR_READER)
    assert [(v.model, v.verdicts) for v in light] == [(v.model, v.verdicts) for v in traced]
    for a, b in zip(light, traced):
        np.testing.assert_allclose(a.probs, b.probs, atol=1e-6, rtol=0)
    assert claims.pair_lesson(light) == claims.pair_lesson(traced)


def test_a_model_that_does_not_fit_its_config_is_refused(tmp_path, tiny_vocab):
    model = make_model("gru", "sigmoid", tiny_vocab)
    path = tmp_path / "odd.pt"
    save_model(model, path, tiny_vocab)
    payload = torch.load(path, weights_only=True)
    del payload["state_dict"]["b_hn"]
    torch.save(payload, path)
    with pytest.raises(ModelFileError, match="weights do not fit"):
        load_light(path)


FIRST_RUN = """
import sys
if sys.argv[2] == "without torch":
    sys.modules["torch"] = None  # any import of torch now fails
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
assert not at.exception, at.exception
assert at.get_by_key("home_pair_chart")
print("home page drawn")
if sys.argv[2] == "with torch":
    at.switch_page("pages/word_by_word.py").run()
    assert not at.exception, at.exception
    print("after Word by word:", "torch" in sys.modules)
"""


@pytest.mark.skipif(not SHIPPED, reason="no shipped models in assets/models")
@pytest.mark.parametrize("mode", ["without torch", "with torch"])
def test_the_apps_first_page_needs_no_torch(mode):
    """A cold start's first chart waits for no torch: the home page and the sidebar are drawn with torch unavailable
    (the tour's next pages are then prepared in the background, and fail quietly there); with torch, Word by word
    works after it."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(ROOT / "app.py"), mode], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "home page drawn" in done.stdout, done.stdout
    if mode == "with torch":
        assert "after Word by word: True" in done.stdout, done.stdout


class FakeStorage:
    def __init__(self, key: str, numel: int) -> None:
        self.key, self.numel = key, numel


class FakeTensor:
    def __init__(self, storage: FakeStorage, offset: int, shape: tuple, stride: tuple, state: dict | None = None):
        self.storage, self.offset, self.shape, self.stride, self.state = storage, offset, shape, stride, state


class Crafter(pickle.Pickler):
    """Writes records as torch.save does (the same names), with whatever offsets, shapes and strides a test wants."""

    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, FakeTensor):
            args = (obj.storage, obj.offset, obj.shape, obj.stride, False, collections.OrderedDict())
            return (torch._utils._rebuild_tensor_v2, args) + ((obj.state,) if obj.state else ())
        return NotImplemented


def crafted(path, tensor: FakeTensor, data: bytes):
    buffer = io.BytesIO()
    Crafter(buffer, protocol=2).dump({"format": FORMAT, "config": {}, "state_dict": {"W": tensor}})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("crafted/data.pkl", buffer.getvalue())
        archive.writestr("crafted/byteorder", b"little")
        archive.writestr(f"crafted/data/{tensor.storage.key}", data)
        archive.writestr("crafted/version", b"3\n")
    return path


@pytest.mark.parametrize(
    "offset, shape, stride, state",
    [
        (-100_000, (100_003,), (1,), None),  # before the storage: would read the process's memory
        (0, (10_000, 25_000), (0, 0), None),  # one number repeated a billion times: a 1 GB array from a tiny file
        (0, (2,), (-1,), None),  # backwards
        (0, (5,), (1,), None),  # past the end
        (0, (4,), (1,), {"offset": -100_000}),  # BUILD: the record changed after the checks
    ],
)
def test_crafted_layouts_are_refused_before_any_array_is_made(tmp_path, offset, shape, stride, state):
    good = crafted(tmp_path / "good.pt", FakeTensor(FakeStorage("0", 4), 0, (2, 2), (2, 1)), bytes(16))
    np.testing.assert_array_equal(read_tensors(good)["state_dict"]["W"], np.zeros((2, 2), np.float32))
    bad = crafted(tmp_path / "bad.pt", FakeTensor(FakeStorage("0", 4), offset, shape, stride, state), bytes(16))
    with pytest.raises(ModelFileError, match="damaged or not a safe PyTorch checkpoint"):
        check_model_file(bad)
    with pytest.raises(ModelFileError):
        read_tensors(bad)


def test_records_of_the_wrong_kind_are_refused_with_a_message(tmp_path, monkeypatch):
    payload = torch.load(MODELS_DIR / "rnn-sst2.pt", weights_only=True)
    torch.save({**payload, "format": torch.zeros(2)}, tmp_path / "tensor-format.pt")
    with pytest.raises(ModelFileError, match="not an RNN Lens checkpoint"):
        check_model_file(tmp_path / "tensor-format.pt")
    torch.save({**payload, "vocab_sha256": torch.zeros(2)}, tmp_path / "tensor-digest.pt")
    with pytest.raises(ModelFileError, match="different dictionary"):
        load_light(tmp_path / "tensor-digest.pt")
    # a size that is not a whole number: refused when read, and the home page still answers with the others
    folder = tmp_path / "models"
    folder.mkdir()
    for name in CELL_MODELS.values():
        shutil.copy(MODELS_DIR / f"{name}.pt", folder / f"{name}.pt")
    odd = {**payload, "config": {**payload["config"], "hidden_size": 64.0}}
    torch.save(odd, folder / f"{CELL_MODELS['rnn']}.pt")
    with pytest.raises(ModelFileError, match="whole numbers"):
        load_light(folder / f"{CELL_MODELS['rnn']}.pt")
    monkeypatch.setenv(MODELS_ENV, str(folder))
    at = open_app()
    assert not at.exception, at.exception
    assert at.get_by_key("home_pair_chart")
    said = " ".join(c.value for c in at.caption)
    assert "Live answers of two trained models" in said and f"Not shown: {CELL_MODELS['rnn']}" in said
