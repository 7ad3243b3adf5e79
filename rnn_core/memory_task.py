"""Entry point: ``python -m rnn_core.memory_task`` (the code lives in rnn_core.model.memory_reference)."""

from .model.memory_reference import main

if __name__ == "__main__":
    main()
