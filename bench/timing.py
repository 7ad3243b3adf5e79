"""Timing helpers: interleaved repeats, medians with min and max, ratios against a baseline in the same process.

Every comparison times the candidate and its baseline alternately inside each repeat, so a burst of load from
other work on the machine hits both; the ratio is taken per repeat and then summarised. A sample of a fast call
repeats it until the sample lasts ``min_seconds`` and reports seconds per call (like timeit, with gc off).
"""

from __future__ import annotations

import gc
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent


def stats(values: list[float]) -> dict:
    """Median, min, max and count of a list of numbers."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def sample(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of ``fn`` over ``calls`` calls, garbage collection paused as timeit does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - t0) / calls
    finally:
        if enabled:
            gc.enable()


def calibrate(fn: Callable[[], object], min_seconds: float) -> int:
    """How many calls make one sample last at least ``min_seconds`` (1 if one call already does)."""
    once = sample(fn, 1)
    return max(1, min(10_000, round(min_seconds / max(once, 1e-7))))


def compare(fns: dict[str, Callable[[], object]], baseline: str, repeats: int, min_seconds: float) -> dict:
    """Time every function ``repeats`` times, interleaved; each one's seconds per call and its ratio to ``baseline``.

    Returns {name: {"seconds": stats, "ratio": stats of seconds / baseline seconds (same repeat), "calls": n}}.
    The order inside a repeat rotates, so no function always runs right after another.
    """
    first = {name: sample(fn, 1) for name, fn in fns.items()}  # warm-up: lazy imports, allocator, torch.func set-up
    gc.collect()  # once per comparison (a full collection takes ~0.2 s with torch and streamlit loaded)
    calls = {name: 1 if first[name] >= min_seconds else calibrate(fn, min_seconds) for name, fn in fns.items()}
    names = list(fns)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(sample(fns[name], calls[name]))
    return {
        name: {
            "seconds": stats(times[name]),
            "ratio": stats([t / b for t, b in zip(times[name], times[baseline])]),
            "calls": calls[name],
        }
        for name in names
    }


def ms(s: dict | None) -> str:
    """'12.3 ms [11.9-13.0]' from a stats dict of seconds."""
    if not s:
        return "-"
    scale, unit = (1e3, "ms") if s["median"] < 1 else (1.0, "s")
    digits = 2 if s["median"] * scale < 10 else 1 if s["median"] * scale < 100 else 0
    return f"{s['median'] * scale:.{digits}f} {unit} [{s['min'] * scale:.{digits}f}-{s['max'] * scale:.{digits}f}]"


def times_x(s: dict | None) -> str:
    """'1.8x [1.7-2.0]' from a stats dict of ratios."""
    if not s:
        return "-"
    digits = 2 if s["median"] < 10 else 1 if s["median"] < 100 else 0
    return f"{s['median']:.{digits}f}x [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"


def table(title: str, header: list[str], rows: list[list[str]], note: str = "") -> str:
    """A plain-text table with left-aligned first column and right-aligned others."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    out = [f"\n== {title}", line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    if note:
        out.append(note)
    return "\n".join(out)


def _version(command: list[str]) -> str:
    if not shutil.which(command[0]):
        return "not installed"
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "?"


def machine() -> dict:
    """The machine and software the figures were measured on."""
    import numpy
    import plotly
    import streamlit

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), platform.processor())
    mem_kb = next((int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), 0)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_default_threads": torch.get_num_threads(),
        "streamlit": streamlit.__version__,
        "plotly": plotly.__version__,
        "numpy": numpy.__version__,
        "chromium": _version(["chromium", "--version"]),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (the same numbers `uptime` prints)."""
    return [round(x, 2) for x in os.getloadavg()]
