"""Entry point: ``python -m rnn_core.lm_train --preset lm-rnn|lm-lstm|lm-cond`` (the code lives in rnn_core.model.lm_train)."""

from .model.lm_train import main

if __name__ == "__main__":
    main()
