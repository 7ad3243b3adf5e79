"""Save and load models safely: tensors and plain values only, never pickled code."""

from __future__ import annotations

from pathlib import Path

import torch

from ..text.vocab import Vocab
from .files import (
    ASSETS,
    FORMAT,
    MODELS_DIR,
    MODELS_ENV,
    ROOT,
    VOCAB_PATH,
    ModelFileError,
    check_model_file,
    list_models,
    load_vocab,
    models_dir,
    read_card,
    resolve_model_path,
    vocab_digest,
)
from .network import ModelConfig, SentimentRNN

# The file names above live in files.py (no torch); they are named here too, where loading and saving happen.
__all__ = [
    "ASSETS",
    "FORMAT",
    "MODELS_DIR",
    "MODELS_ENV",
    "ROOT",
    "VOCAB_PATH",
    "ModelFileError",
    "check_model_file",
    "list_models",
    "load_model",
    "load_vocab",
    "models_dir",
    "read_card",
    "read_payload",
    "resolve_model_path",
    "save_model",
    "vocab_digest",
]


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
