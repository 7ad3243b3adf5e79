"""Entry point: ``python -m rnn_core.train --preset NAME`` (the code lives in rnn_core.model.train)."""

from .model.train import main

if __name__ == "__main__":
    main()
