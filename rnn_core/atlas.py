"""Entry point: ``python -m rnn_core.atlas --model NAME`` or ``--all`` (the code lives in rnn_core.explain.atlas_file)."""

from .explain.atlas_file import main

if __name__ == "__main__":
    main()
