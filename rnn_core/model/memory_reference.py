"""Reference results of the memory task: rnn, lstm and gru over L = 2 to 100 fillers, 3 seeds, a small learning-rate grid.

    python -m rnn_core.memory_task [--out assets/memory_task.json] [--seconds 12]

One learning rate favours one cell, so each cell gets the best of a small grid, per L and seed (selected on the
held-out accuracy the page shows; the task is synthetic, so this is a report of what each cell can learn, not a
tuned benchmark). Every run: 1,000 training and 300 held-out sequences, hidden size 16, 10 epochs (a fixed amount
of training, so the result does not depend on how busy the machine is), the standard initialisations (the LSTM's
forget gate starts open, bias 1), one torch thread.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch

from .checkpoint import ASSETS, load_model
from .live import LiveConfig, Progress, train_live
from .memory_task import memory_task, task_words

FILLERS = (2, 5, 10, 20, 50, 100)
SEEDS = (0, 1, 2)
LR_GRID = {"rnn": (3e-3, 1e-2), "lstm": (3e-3, 1e-2), "gru": (3e-3, 1e-2)}
TRAIN, HELDOUT = 1_000, 300
CHANCE_BAND = 0.6  # held-out accuracy below this counts as not learned (chance is 0.5)
OUT = ASSETS / "memory_task.json"


def one_run(cfg: LiveConfig, words, vocab_size: int) -> dict:
    """Train once; the final held-out accuracy and the per-report curves."""
    train = memory_task(words, cfg.fillers, TRAIN, seed=1 + 10 * cfg.seed)
    heldout = memory_task(words, cfg.fillers, HELDOUT, seed=2 + 10 * cfg.seed)
    reports = [e for e in train_live(cfg, train, heldout, vocab_size) if isinstance(e, Progress)]
    last = reports[-1]
    return {
        "accuracy": last.heldout_accuracy,
        "epochs": last.epoch,
        "seconds": round(last.seconds, 1),
        "grad_first": [r.grad_first for r in reports],
        "grad_last": [r.grad_last for r in reports],
        "at_epoch": [round(r.epochs_done, 3) for r in reports],
    }


def crossover(fillers: list[int], median: list[float]) -> int | None:
    """The smallest L at which a cell's median held-out accuracy falls below CHANCE_BAND (None: it never does)."""
    return next((n for n, acc in zip(fillers, median) if acc < CHANCE_BAND), None)


def reference(seconds: float, fillers=FILLERS, seeds=SEEDS, grid=LR_GRID, log=print) -> dict:
    words = task_words(load_model("rnn-sst2"))
    base = LiveConfig(task="memory", epochs=10, max_seconds=seconds, report_seconds=math.inf)  # one report an epoch
    cells: dict[str, dict] = {}
    for cell, lrs in grid.items():
        accuracy, best_lr, curves = [], [], []
        for seed in seeds:
            row, lr_row, curve_row = [], [], []
            for n in fillers:
                runs = {lr: one_run(replace(base, cell=cell, lr=lr, fillers=n, seed=seed), words, 10_000) for lr in lrs}
                lr = max(runs, key=lambda k: runs[k]["accuracy"])
                row.append(runs[lr]["accuracy"])
                lr_row.append(lr)
                curve_row.append({k: runs[lr][k] for k in ("grad_first", "grad_last", "at_epoch")})
                log(
                    f"{cell} seed {seed} L {n}: "
                    + ", ".join(f"lr {k:g} {v['accuracy']:.3f} ({v['seconds']}s)" for k, v in runs.items())
                )
            accuracy.append(row)
            best_lr.append(lr_row)
            curves.append(curve_row)
        median = [float(torch.tensor([r[k] for r in accuracy]).median()) for k in range(len(fillers))]
        cells[cell] = {"accuracy": accuracy, "best_lr": best_lr, "curves": curves, "median": median,
                       "crossover": crossover(list(fillers), median)}  # fmt: skip
    return {
        "fillers": list(fillers),
        "seeds": list(seeds),
        "grid": {k: list(v) for k, v in grid.items()},
        "settings": {**asdict(base), "train": TRAIN, "heldout": HELDOUT, "chance_band": CHANCE_BAND},
        "cells": cells,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seconds", type=float, default=300.0, help="time cap of each run (a guard; 10 epochs decide)")
    parser.add_argument("--fillers", type=int, nargs="+", default=list(FILLERS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--cells", nargs="+", default=list(LR_GRID), choices=list(LR_GRID))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    result = reference(args.seconds, tuple(args.fillers), tuple(args.seeds), {c: LR_GRID[c] for c in args.cells})
    result["total_seconds"] = round(time.perf_counter() - start, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({c: {"median": v["median"], "crossover": v["crossover"]} for c, v in result["cells"].items()}))


if __name__ == "__main__":
    main()
