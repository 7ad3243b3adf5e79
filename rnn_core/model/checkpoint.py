"""Save and load models safely: tensors and plain values only, never pickled code."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import torch

from ..text.vocab import Vocab
from .network import ModelConfig, SentimentRNN

ROOT = Path(__file__).resolve().parents[2]  # the project folder (this file: rnn_core/model/checkpoint.py)
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


def save_model(model: SentimentRNN, path: str | Path, vocab: Vocab) -> None:
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "config": model.config.to_dict(), "vocab_sha256": vocab_digest(vocab), "state_dict": state}
    torch.save(payload, path)


def read_payload(path: Path, expected: str = FORMAT, mmap: bool = False) -> dict:
    """The checkpoint's dictionary, read with weights_only=True; ModelFileError unless its format is ``expected``.

    ``mmap``: map the tensors' storage instead of reading it (the records are still checked and unpickled safely).
    """
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except Exception as err:  # a damaged zip, a pickle with code in it, a text file...
        first_line = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise ModelFileError(f"{path}: damaged or not a safe PyTorch checkpoint ({first_line})") from None
    if not isinstance(payload, dict) or payload.get("format") != expected:
        raise ModelFileError(f"{path}: not an RNN Lens checkpoint (expected format {expected!r})")
    return payload


def check_model_file(path: str | Path) -> None:
    """Raise ModelFileError if a model file is missing, damaged or foreign, without building the model.

    A few milliseconds: the tensors are mapped, not read, so a picker can list every model at start-up and load
    each one only when it is first used. Weights that do not fit their model are found by load_model.
    """
    read_payload(Path(path), mmap=True)


def load_model(name_or_path: str | Path, vocab_path: str | Path = VOCAB_PATH) -> SentimentRNN:
    """Load a model by name (from assets/models) or path, in eval mode with its dictionary and card.

    Raises ModelFileError naming the file if it is missing, damaged or foreign.
    """
    path = resolve_model_path(name_or_path)
    payload = read_payload(path)
    vocab = load_vocab(str(vocab_path))
    try:
        config = ModelConfig(**payload["config"])
        model = SentimentRNN(config)
        model.load_state_dict(payload["state_dict"], strict=True)
    except Exception as err:
        raise ModelFileError(f"{path}: weights do not fit the model it describes ({err})") from None
    if payload.get("vocab_sha256") != vocab_digest(vocab) or config.vocab_size != len(vocab):
        raise ModelFileError(f"{path}: trained with a different dictionary than {vocab_path}")
    model.vocab = vocab
    model.name = path.stem
    card_path = path.with_suffix(".json")
    model.card = read_card(card_path) if card_path.is_file() else {}
    model.eval().requires_grad_(False)
    return model


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
