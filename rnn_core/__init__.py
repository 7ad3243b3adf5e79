"""RNN Lens core: text to numbers, recurrent models, traces, training. Pure PyTorch/NumPy."""

from .checkpoint import ModelFileError, list_models, load_model, load_vocab
from .models import ModelConfig, SentimentRNN
from .tokenizer import MAX_TOKENS, tokenize
from .trace import TextError, Trace, trace
from .vocab import Vocab

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
