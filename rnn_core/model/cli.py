"""The command lines' shared arguments: the training commands (a preset, where the data is, where files go, threads)
and the evaluation commands (a model, a split, whether to write the card)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

DATA_HELP = "treebank folder (else $RNN_LENS_DATA, cache or download)"


def training_parser(description: str, presets: Iterable[str], out: str, threads: int = 1) -> argparse.ArgumentParser:
    """--preset NAME, --data-dir, --out (folder for NAME.pt and NAME.json) and --threads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--preset", required=True, choices=sorted(presets))
    parser.add_argument("--data-dir", default=None, help=DATA_HELP)
    parser.add_argument("--out", default=out, help="folder for NAME.pt and NAME.json")
    parser.add_argument("--threads", type=int, default=threads, help="torch threads (use 1 when two trainings share 2 cores)")
    return parser


def evaluation_parser(description: str, model_help: str, card_help: str) -> argparse.ArgumentParser:
    """--model, --data-dir, --split (default test), --update-card and --threads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", required=True, help=model_help)
    parser.add_argument("--data-dir", default=None, help=DATA_HELP)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--update-card", action="store_true", help=card_help)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    return parser
