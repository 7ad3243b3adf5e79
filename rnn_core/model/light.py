"""A shipped sentiment model read with NumPy: the same weights and the same equations as network.py, for the first
page, which then answers before torch has loaded (about a second of a cold start). tests/test_light_model.py checks
that it gives the torch model's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..text.vocab import Vocab
from .config import GATES, ModelConfig
from .files import ModelFileError, load_vocab, read_card, read_tensors, resolve_model_path, vocab_digest


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class LightModel:
    """A sentiment model's weights as arrays (float32, as stored), its config, dictionary and card."""

    name: str
    config: ModelConfig
    weights: dict[str, np.ndarray]
    vocab: Vocab
    card: dict = field(default_factory=dict)

    def final_probs(self, ids: list[int]) -> np.ndarray:
        """The answer after the last of ``ids``: every step of the cell (network.py's equations), then the head. (C,)"""
        w, cell, H = self.weights, self.config.cell, self.config.hidden_size
        h = np.zeros(H, dtype=np.float32)
        c = np.zeros(H, dtype=np.float32)
        for i in ids:
            x = w["W_x"][:, i]  # (G*H,) the one-hot x_t picks column i
            hh = w["W_hh"] @ h  # (G*H,)
            if cell == "rnn":
                h = np.tanh(x + hh + w["b_h"])
            elif cell == "lstm":
                i_, f, g, o = np.split(x + hh + w["b_h"], 4)
                c = _sigmoid(f) * c + _sigmoid(i_) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
            else:
                r, z = np.split(_sigmoid(x[: 2 * H] + hh[: 2 * H] + w["b_h"][: 2 * H]), 2)
                n = np.tanh(x[2 * H :] + w["b_h"][2 * H :] + r * (hh[2 * H :] + w["b_hn"]))
                h = (1 - z) * n + z * h
        logits = w["W_hy"] @ h + w["b_y"]  # (C,)
        if self.config.head == "softmax":
            e = np.exp(logits - logits.max())
            return e / e.sum()
        return _sigmoid(logits)


def load_light(name_or_path: str | Path) -> LightModel:
    """A model by name or path, read with NumPy; ModelFileError (naming the file) as load_model raises it."""
    path = resolve_model_path(name_or_path)
    payload = read_tensors(path)
    vocab = load_vocab()
    try:
        config = ModelConfig(**payload["config"])
        weights = {k: np.asarray(v, dtype=np.float32) for k, v in payload["state_dict"].items()}
        gh, H = GATES[config.cell] * config.hidden_size, config.hidden_size
        shapes = {"W_x": (gh, config.vocab_size), "W_hh": (gh, H), "b_h": (gh,), "W_hy": (len(config.classes), H),
                  "b_y": (len(config.classes),), **({"b_hn": (H,)} if config.cell == "gru" else {})}  # fmt: skip
        if {k: v.shape for k, v in weights.items()} != shapes:
            raise ValueError("shapes differ")
    except Exception as err:
        raise ModelFileError(f"{path}: weights do not fit the model it describes ({err})") from None
    digest = payload.get("vocab_sha256")
    if not isinstance(digest, str) or digest != vocab_digest(vocab) or config.vocab_size != len(vocab):
        raise ModelFileError(f"{path}: trained with a different dictionary")
    card_path = path.with_suffix(".json")
    model = LightModel(path.stem, config, weights, vocab, read_card(card_path) if card_path.is_file() else {})
    try:  # one word through every equation: whatever the weights hold, the page asks nothing it cannot answer
        answer = model.final_probs([0])
        if answer.shape != (len(config.classes),):
            raise ValueError(f"an answer of shape {answer.shape}")
    except Exception as err:
        raise ModelFileError(f"{path}: weights do not fit the model it describes ({err})") from None
    return model
