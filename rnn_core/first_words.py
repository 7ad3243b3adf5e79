"""Entry point: ``python -m rnn_core.first_words`` (the code lives in rnn_core.explain.first_words)."""

from .explain.first_words import main
from .lesson import CELL_MODELS

if __name__ == "__main__":
    main(default_models=tuple(CELL_MODELS.values()))
