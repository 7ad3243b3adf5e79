"""How fast RNN Lens answers, against the obvious baselines, in one run.

    python -m bench.run [--smoke] [--repeats N] [--out bench-results/bench.json] [--all-naive]

Run from the repository root. Prints a table per section and writes one JSON file. Every figure is a median
over repeats (with min and max) and, where a baseline exists, a ratio against it measured in the same process
and interleaved with it, so load from other work on the machine moves both. Torch threads are set explicitly:
1 for everything the app computes (the server uses 1 thread per request), 2 for training.
--smoke: tiny sizes and 1 repeat (under a minute), so the benchmark cannot rot unnoticed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import torch

from . import compute, page_runs, serve, training
from .report import render
from .timing import ROOT, load_average, machine

APP_THREADS = 1  # the server computes with one torch thread per request (ui/models.py)


@dataclass(frozen=True)
class Sizes:
    trace_words: tuple[int, ...]
    gradient_words: tuple[int, ...]
    review_words: dict  # label -> words (None: the page's default review)
    figure_words: tuple[int, ...]
    train_phrases: int
    train_split: str
    min_seconds: float  # shortest sample: fast calls are repeated until a sample lasts this long
    all_pages: bool  # cold start: visit every page before reading the server's peak memory
    train_threads: int  # the issue asks for 2; the smoke run uses 1, as 2 threads crawl when the machine is busy


FULL = Sizes((10, 50, 200), (20, 50, 100), {"default": None, "50 words": 50, "100 words": 100}, (3, 50, 100, 200),
             1500, "train", 0.05, True, 2)  # fmt: skip
SMOKE = Sizes((5, 10), (5, 8), {"default": None, "10 words": 10}, (5,), 128, "dev", 0.002, False, 1)


def run_trace(sz: Sizes, repeats: int, args) -> dict:
    torch.set_num_threads(APP_THREADS)
    return {"threads": APP_THREADS, "rows": compute.trace_rows(sz.trace_words, repeats, sz.min_seconds)}


def run_gradients(sz: Sizes, repeats: int, args) -> dict:
    torch.set_num_threads(APP_THREADS)
    naive_long = tuple(compute.CELL_MODELS) if args.all_naive or args.smoke else ("rnn",)
    rows = compute.gradient_rows(sz.gradient_words, repeats, sz.min_seconds, naive_long)
    return {"threads": APP_THREADS, "naive_at_longest": list(naive_long), "rows": rows}


def run_pages(sz: Sizes, repeats: int, args) -> dict:
    torch.set_num_threads(APP_THREADS)
    out = page_runs.page_rows(sz.review_words, repeats)
    out["figure"] = page_runs.figure_rows(sz.figure_words, repeats, sz.min_seconds)
    return {"threads": APP_THREADS, **out}


def run_training(sz: Sizes, repeats: int, args) -> dict:
    phrases, source = training.phrase_slice(sz.train_phrases, sz.train_split)
    rows = training.throughput(phrases, repeats, sz.train_threads)
    return {"threads": sz.train_threads, "source": source, "rows": rows, "time_to_accuracy": training.time_to_accuracy(rows)}


def run_cold_start(sz: Sizes, repeats: int, args) -> dict:
    return serve.cold_start(repeats, sz.all_pages)


SECTIONS = {
    "trace": run_trace,
    "gradients": run_gradients,
    "pages": run_pages,
    "training": run_training,
    "cold_start": run_cold_start,
}


def memory_section(cold: dict) -> dict:
    """Peak memory of the server with one session, taken from the cold-start runs."""
    if "app" not in cold:
        return {"skipped": cold.get("skipped") or cold.get("error", "no cold-start runs")}
    return {
        "pages_visited": cold["pages_visited"],
        "peak_rss_mb": cold["app"]["peak_rss_mb"],
        "idle_rss_mb": cold["app"]["idle_rss_mb"],
        "baseline_peak_rss_mb": cold["baseline"]["peak_rss_mb"],
        "ratio": cold["ratio"]["peak_rss_mb"],
    }


def targets(report: dict) -> list[dict]:
    """The issue's targets against the medians measured here (None when the size was not run)."""

    def find(rows, **want):
        return next((r for r in rows if all(r.get(k) == v for k, v in want.items())), None)

    out = []
    trace_rows = report.get("trace", {}).get("rows", [])
    for cell in compute.CELL_MODELS:
        row = find(trace_rows, cell=cell, words=50)
        value = row["trace"]["ratio"]["median"] if row else None
        out.append({"what": f"trace / forward at 50 words ({cell})", "target": "<= 2", "median": value,
                    "met": None if value is None else value <= 2})  # fmt: skip
    for row in report.get("gradients", {}).get("rows", []):
        if row["words"] == 100 and "naive" in row["state_matrix"]:
            value = row["state_matrix"]["naive"]["ratio"]["median"]
            out.append({"what": f"state matrix speed-up over per-pair autograd at 100 words ({row['cell']})",
                        "target": ">= 10", "median": value, "met": value >= 10})  # fmt: skip
    row = find(report.get("pages", {}).get("rows", []), page="word_by_word", words=50)
    value = row["new_review"]["seconds"]["median"] if row else None
    out.append({"what": "Word-by-word page, new 50-word review, after warm-up (s)", "target": "< 0.3", "median": value,
                "met": None if value is None else value < 0.3})  # fmt: skip
    cold = report.get("cold_start", {}).get("app", {}).get("home_chart")
    value = cold["median"] if cold else None
    out.append({"what": "first chart after a cold start, process start to drawn (s)", "target": "< 4", "median": value,
                "met": None if value is None else value < 4})  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and 1 repeat (< 1 minute)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per figure (default 5; 1 with --smoke)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "bench.json")
    parser.add_argument("--all-naive", action="store_true", help="also time the naive state matrix of lstm and gru at the longest length (minutes)")  # fmt: skip
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), help="run only these sections")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.smoke else 5)
    if not args.smoke and repeats < 5:
        parser.error("a full run needs at least 5 repeats (medians of fewer are not worth printing)")
    sizes = SMOKE if args.smoke else FULL
    report: dict = {"meta": {"mode": "smoke" if args.smoke else "full", "repeats": repeats, "sizes": sizes.__dict__,
                             "started": time.strftime("%Y-%m-%d %H:%M:%S"), "load_before": load_average(),
                             "machine": machine(), "threads": {"app": APP_THREADS, "training": sizes.train_threads}}}  # fmt: skip
    t0, failed = time.perf_counter(), []
    for name, fn in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(f"[{time.perf_counter() - t0:6.1f}s] {name}...", file=sys.stderr, flush=True)
        try:
            report[name] = fn(sizes, repeats, args)
        except Exception as err:  # one broken section must not lose the others' figures
            failed.append(name)
            report[name] = {"error": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()[-3000:]}
    if "cold_start" in report:
        report["memory"] = memory_section(report["cold_start"])
    report["targets"] = targets(report)
    report["meta"].update(seconds=round(time.perf_counter() - t0, 1), load_after=load_average(), failed=failed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    print(render(report))
    print(f"\nJSON: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
