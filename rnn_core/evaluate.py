"""Entry point: ``python -m rnn_core.evaluate --model NAME`` (the code lives in rnn_core.model.evaluate)."""

from .model.evaluate import main

if __name__ == "__main__":
    main()
