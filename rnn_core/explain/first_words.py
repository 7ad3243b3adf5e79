"""The first-word experiment for every word of the dictionary, computed ahead of time, and the command that writes it.

    python -m rnn_core.first_words [--model NAME ...] [--out DIR] [--check] [--threads 2]

Vanishing gradients runs the article's experiment on the first word of whatever review is typed: 32 random
continuations per length, a forward and a backward pass through up to 50 words, for three models. A first word is
one of the dictionary's entries, so every answer can be computed once: a table per model in assets/first_words/
holds first_word_shares for each entry (the same function as the page's live path, in batches), with the sha256 of
the model file it was computed from and the experiment's lengths, samples and seed. A page reads a row when the
table is of this very model file and this very experiment, and computes the experiment itself otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..model.checkpoint import ASSETS, ModelFileError, load_model, resolve_model_path
from ..model.network import SentimentRNN
from .atlas_file import file_sha256, write_npz
from .gradients import (
    EXPERIMENT_LENGTHS,
    EXPERIMENT_SAMPLES,
    EXPERIMENT_SEED,
    FirstWordExperiment,
    experiment_fillers,
    first_word_shares,
)

FORMAT = "rnn-lens-first-words/1"
TABLE_DIR = ASSETS / "first_words"
BATCH = 8  # first words per pass: larger batches are no faster per word on a CPU (the passes are memory-bound)


class TableError(ValueError):
    """A table file is damaged or not an RNN Lens first-word table; the message names the file."""


@dataclass(frozen=True)
class FirstWordTable:
    """One model's experiment for every dictionary entry. V entries, L lengths."""

    model_sha256: str  # of the model file it was computed from
    lengths: tuple[int, ...]
    samples: int
    seed: int
    shares: np.ndarray  # (V, L) float32: row i is first_word_shares(model, [i]), exactly

    def experiment(self, first_id: int) -> FirstWordExperiment:
        """first_word_experiment(model, first_id) as the table holds it."""
        fillers = experiment_fillers(self.shares.shape[0], self.lengths, self.samples, self.seed)
        left = dict(zip(self.lengths, self.shares[first_id].tolist()))
        return FirstWordExperiment(first_id=first_id, fillers=fillers.numpy(), left=left)

    def fits(self) -> bool:
        """Whether the table holds the page's experiment (first_word_experiment's lengths, samples and seed)."""
        return (self.lengths, self.samples, self.seed) == (EXPERIMENT_LENGTHS, EXPERIMENT_SAMPLES, EXPERIMENT_SEED)


def build_table(model: SentimentRNN, batch: int = BATCH, log=None) -> np.ndarray:
    """first_word_shares for every dictionary entry, (V, L) float32."""
    vocab_size = model.config.vocab_size
    rows = []
    for start in range(0, vocab_size, batch):
        ids = list(range(start, min(start + batch, vocab_size)))
        rows.append(first_word_shares(model, ids).numpy())
        if log and start % (batch * 250) == 0:
            log(f"  {start:,} / {vocab_size:,} words")
    return np.concatenate(rows).astype(np.float32)


def table_path(name: str, folder: str | Path | None = None) -> Path:
    return Path(folder or TABLE_DIR) / f"{name}.npz"


def save_table(table: FirstWordTable, path: str | Path) -> Path:
    arrays = {
        "format": np.array(FORMAT),
        "model_sha256": np.array(table.model_sha256),
        "lengths": np.array(table.lengths, dtype=np.int64),
        "experiment": np.array([table.samples, table.seed], dtype=np.int64),
        "shares": table.shares.astype(np.float32),
    }
    return write_npz(arrays, path)


def load_table(path: str | Path) -> FirstWordTable:
    """Read a table (no pickle); raises TableError naming the file if it cannot."""
    try:
        with np.load(path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        if str(a.get("format")) != FORMAT:
            raise ValueError(f"not an RNN Lens first-word table (expected format {FORMAT!r})")
        lengths = tuple(int(n) for n in a["lengths"])
        samples, seed = (int(v) for v in a["experiment"])
        shares = a["shares"]
        if shares.ndim != 2 or shares.shape[1] != len(lengths) or shares.dtype != np.float32:
            raise ValueError("its arrays do not fit together")
        return FirstWordTable(str(a["model_sha256"]), lengths, samples, seed, shares)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as err:
        raise TableError(f"{path}: damaged or not an RNN Lens first-word table ({err})") from None


def current_table(model_path: str | Path, folder: str | Path | None = None) -> FirstWordTable | None:
    """The table of this very model file and of the page's experiment, or None (missing, damaged, out of date)."""
    path = table_path(Path(model_path).stem, folder)
    try:
        table = load_table(path)
    except TableError:
        return None
    if not table.fits() or not Path(model_path).is_file() or table.model_sha256 != file_sha256(model_path):
        return None
    return table


def write_one(name: str, out: Path | None) -> str:
    """Compute and write one model's table; a line for the console."""
    t0 = time.perf_counter()
    model_path = resolve_model_path(name)
    model = load_model(model_path)
    shares = build_table(model, log=lambda msg: print(msg, flush=True))
    table = FirstWordTable(file_sha256(model_path), EXPERIMENT_LENGTHS, EXPERIMENT_SAMPLES, EXPERIMENT_SEED, shares)
    path = save_table(table, table_path(model_path.stem, out))
    seconds = time.perf_counter() - t0
    return f"{model_path.stem}: {shares.shape[0]:,} first words, {path.stat().st_size / 1e3:.0f} kB, {seconds:.0f} s -> {path}"


def main(argv: list[str] | None = None, default_models: tuple[str, ...] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m rnn_core.first_words", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", action="append", help=f"a model name or .pt path; repeatable (default: {', '.join(default_models)})"
    )
    parser.add_argument("--out", type=Path, help=f"where to write NAME.npz (default {TABLE_DIR})")
    parser.add_argument("--check", action="store_true", help="only say which tables are missing or out of date (exit 1 if any)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2: about a minute per model here)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    names = args.model or list(default_models)
    if args.check:
        stale = [n for n in names if current_table(resolve_model_path(n), args.out) is None]
        print("\n".join(f"{n}: missing or out of date" for n in stale) or f"{len(names)} tables up to date")
        raise SystemExit(1 if stale else 0)
    try:
        for name in names:
            print(write_one(name, args.out), flush=True)
    except ModelFileError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
