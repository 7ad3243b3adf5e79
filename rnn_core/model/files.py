"""Model files without torch: where they are, their cards, and their tensors read as NumPy arrays.

A checkpoint is PyTorch's zip archive: ``data.pkl`` holds the records (format, config, dictionary digest) and the
tensors' shapes, ``data/<key>`` each tensor's bytes. ``read_tensors`` unpickles the records with an unpickler that
knows only the few names a checkpoint of plain tensors uses (anything else, code included, is refused, as
``torch.load(weights_only=True)`` refuses it) and reads each tensor's bytes straight into NumPy. The picker checks
files this way at start-up and the first page computes with it, so neither waits for torch to load.
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import os
import pickle
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text.vocab import Vocab

ROOT = Path(__file__).resolve().parents[2]  # the project folder (this file: rnn_core/model/files.py)
ASSETS = ROOT / "assets"
MODELS_DIR = ASSETS / "models"  # the shipped models; RNN_LENS_MODELS points the app at another folder
MODELS_ENV = "RNN_LENS_MODELS"
VOCAB_PATH = ASSETS / "vocab.json"
FORMAT = "rnn-lens/1"


class ModelFileError(ValueError):
    """A model file is missing, damaged or not an RNN Lens checkpoint; the message names the file."""


def vocab_digest(vocab: Vocab) -> str:
    return hashlib.sha256("\n".join(vocab.itos).encode("utf-8")).hexdigest()


@lru_cache(maxsize=4)
def load_vocab(path: str | Path = VOCAB_PATH) -> Vocab:
    """The shared dictionary (cached: it is read-only)."""
    return Vocab.load(path)


def models_dir() -> Path:
    """The folder models are read from: $RNN_LENS_MODELS if set (read at each call), else assets/models."""
    return Path(os.environ.get(MODELS_ENV) or MODELS_DIR)


def resolve_model_path(name_or_path: str | Path, folder: Path | None = None) -> Path:
    """A bare name ("rnn-sst2") means <folder (default: the models folder)>/<name>.pt; anything else is a path."""
    text = str(name_or_path)
    if "/" in text or "\\" in text or text.endswith(".pt"):
        return Path(text)
    return (folder or models_dir()) / f"{text}.pt"


def read_card(path: str | Path) -> dict:
    """A model card (JSON); a broken card gives an empty dict rather than stopping the app."""
    try:
        card = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return card if isinstance(card, dict) else {}


def list_models(folder: str | Path | None = None) -> dict[str, dict]:
    """Every model in a folder (default: models_dir()) that has weights, by name, with its card (possibly empty)."""
    folder = Path(folder) if folder is not None else models_dir()
    return {p.stem: read_card(p.with_suffix(".json")) for p in sorted(folder.glob("*.pt"))}


DAMAGED = "damaged or not a safe PyTorch checkpoint"
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "HalfStorage": np.float16,
    "DoubleStorage": np.float64,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "BoolStorage": np.bool_,
}


class _Record:
    """What the records may build; BUILD (pickle's way to set an object's state afterwards) is refused on it."""

    __slots__ = ()

    def __setstate__(self, _state) -> None:
        raise pickle.UnpicklingError("refused to set the state of a tensor record")


class _Storage(_Record):
    __slots__ = ("key", "dtype", "numel")

    def __init__(self, key: str, dtype: type, numel: int) -> None:
        self.key, self.dtype, self.numel = key, dtype, numel  # the entry data/<key> of the archive


class _Tensor(_Record):
    """A tensor as the records describe it: where its numbers are and how they are laid out (in elements)."""

    __slots__ = ("storage", "offset", "shape", "stride")

    def __init__(self, storage: _Storage, offset: int, shape: tuple[int, ...], stride: tuple[int, ...]) -> None:
        self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride

    def array(self, raw: bytes) -> np.ndarray:
        flat = np.frombuffer(raw, dtype=self.storage.dtype, count=self.storage.numel)
        if not self.shape:
            return flat[self.offset : self.offset + 1].reshape(()).copy()
        itemsize = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset :], shape=self.shape, strides=[s * itemsize for s in self.stride], writeable=False
        )
        return np.ascontiguousarray(view)

    def fits(self) -> bool:
        """The layout stays inside the storage: no negative offset, size or stride, every element it reaches within
        the storage, and no more elements than the storage holds (a checkpoint of plain tensors never repeats one;
        a crafted shape cannot make an array larger than the file)."""
        numel, offset, shape, stride = self.storage.numel, self.offset, self.shape, self.stride
        if numel < 0 or offset < 0 or any(n < 0 for n in shape) or any(s < 0 for s in stride) or len(shape) != len(stride):
            return False
        if math.prod(shape) == 0:
            return offset <= numel
        reach = offset + sum((n - 1) * s for n, s in zip(shape, stride))
        return reach < numel and math.prod(shape) <= numel


def _rebuild_tensor(storage, offset, shape, stride, *_rest) -> _Tensor:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("a tensor without its storage")
    return _Tensor(storage, int(offset), tuple(int(n) for n in shape), tuple(int(s) for s in stride))


class _Records(pickle.Unpickler):
    """Unpickles a checkpoint's records; the only names it knows are those of plain tensors. Each name found is a
    new function object, so a BUILD aimed at it changes nothing that outlives this file."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda *args: _rebuild_tensor(*args)
        if (module, name) == ("collections", "OrderedDict"):
            return lambda *args: collections.OrderedDict(*args)
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refused to load {module}.{name}")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError("an unknown kind of storage")
        return _Storage(str(pid[2]), STORAGE_DTYPES[pid[1].name], int(pid[4]))


class _StorageType(_Record):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _tensors_in(value) -> list[_Tensor]:
    if isinstance(value, _Tensor):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors_in(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors_in(v)]
    return []


def _as_arrays(value, archive: zipfile.ZipFile, root: str):
    if isinstance(value, _Tensor):
        return value.array(archive.read(f"{root}/data/{value.storage.key}"))
    if isinstance(value, dict):
        return {k: _as_arrays(v, archive, root) for k, v in value.items()}
    return value


def read_tensors(path: str | Path, expected: str = FORMAT, arrays: bool = True) -> dict:
    """The checkpoint's dictionary with every tensor as a NumPy array (``arrays``), or only checked: each tensor's
    bytes are present and unharmed (the archive's checksums) and fit its shape. Raises ModelFileError naming the
    file if it is missing, damaged, holds anything but plain records and tensors, or is not of format ``expected``."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    try:
        with zipfile.ZipFile(path) as archive:
            records = [n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
            if len(records) != 1:
                raise ValueError("no data.pkl")
            root = records[0].split("/")[0]
            if archive.namelist().count(f"{root}/byteorder") and archive.read(f"{root}/byteorder") != b"little":
                raise ValueError("big-endian tensors")
            payload = _Records(archive.open(records[0])).load()
            tensors = _tensors_in(payload)
            sizes = {i.filename: i.file_size for i in archive.infolist()}
            for t in tensors:
                stored = sizes.get(f"{root}/data/{t.storage.key}")
                if stored is None or stored < t.storage.numel * np.dtype(t.storage.dtype).itemsize or not t.fits():
                    raise ValueError("a tensor's bytes are missing")
            bad = archive.testzip()  # every entry's checksum
            if bad is not None:
                raise ValueError(f"{bad} is damaged")
            if arrays:
                payload = _as_arrays(payload, archive, root)
    except Exception as err:  # a damaged zip, a pickle with code in it, a text file...
        first_line = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise ModelFileError(f"{path}: {DAMAGED} ({first_line})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("format"), str) or payload["format"] != expected:
        raise ModelFileError(f"{path}: not an RNN Lens checkpoint (expected format {expected!r})")
    return payload


def check_model_file(path: str | Path) -> None:
    """Raise ModelFileError if a model file is missing, damaged or foreign, without building the model.

    A few milliseconds and no torch: the records are unpickled safely and the tensors' bytes checked, not used,
    so a picker can list every model at start-up and load each one only when it is first used. Weights that do not
    fit their model are found by load_model.
    """
    read_tensors(path, arrays=False)
