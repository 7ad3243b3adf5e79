"""RNN Lens core: text to numbers, recurrent models, traces, training. Pure PyTorch/NumPy.

The names below are loaded when first used (PEP 562), so that importing a torch-free part of the package (the
lesson's texts, the model files' catalogue, the first page's NumPy reading) does not import torch.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "TextError": ".text.encode",
    "Trace": ".explain.trace",
    "trace": ".explain.trace",
    "ModelFileError": ".model.files",
    "list_models": ".model.files",
    "load_vocab": ".model.files",
    "load_model": ".model.checkpoint",
    "ModelConfig": ".model.config",
    "SentimentRNN": ".model.network",
    "MAX_TOKENS": ".text.tokenizer",
    "tokenize": ".text.tokenizer",
    "Vocab": ".text.vocab",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value  # found once: later lookups are plain attribute reads
    return value
