"""RNN Lens core: text to numbers, recurrent models, traces, training. Pure PyTorch/NumPy."""

from .explain.trace import TextError, Trace, trace
from .model.checkpoint import ModelFileError, list_models, load_model, load_vocab
from .model.network import ModelConfig, SentimentRNN
from .text.tokenizer import MAX_TOKENS, tokenize
from .text.vocab import Vocab

__all__ = [
    "MAX_TOKENS",
    "ModelConfig",
    "ModelFileError",
    "SentimentRNN",
    "TextError",
    "Trace",
    "Vocab",
    "list_models",
    "load_model",
    "load_vocab",
    "tokenize",
    "trace",
]
