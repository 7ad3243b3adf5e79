"""The benchmark runs end to end in its smoke mode, so it cannot rot. Its figures are not checked: no timing assertions."""

from __future__ import annotations

import json
import numbers
import os
import subprocess
import sys

from .conftest import ROOT

SECTIONS = ("trace", "gradients", "pages", "training", "cold_start", "memory")


def numbers_in(value) -> list[float]:
    """Every number in a nested JSON value."""
    if isinstance(value, bool):
        return []
    if isinstance(value, numbers.Number):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    return []


def is_stats(value) -> bool:
    return isinstance(value, dict) and {"median", "min", "max", "n"} <= value.keys()


def test_smoke_run_writes_every_section_with_numbers(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)],
        cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.is_file(), proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert proc.returncode == 0, (report["meta"].get("failed"), proc.stderr[-3000:])
    assert "Trace vs fused forward passes" in proc.stdout and "The issue's targets" in proc.stdout

    meta = report["meta"]
    assert meta["mode"] == "smoke" and meta["machine"]["cores"] >= 1 and meta["machine"]["torch"]
    for name in SECTIONS:
        section = report[name]
        if name in ("cold_start", "memory") and "skipped" in section:
            continue  # no Chromium on this machine (CI installs it)
        assert "error" not in section, section
        found = numbers_in(section)
        assert found and all(n == n for n in found), name  # some numbers, none NaN

    for row in report["trace"]["rows"]:
        assert {"trace", "forward", "torch_nn", "torch_nn_one_hot"} <= row.keys()
        assert is_stats(row["trace"]["seconds"]) and is_stats(row["trace"]["ratio"])
    for row in report["gradients"]["rows"]:
        assert is_stats(row["state_matrix"]["naive"]["ratio"]) and is_stats(row["influence"]["naive"]["ratio"])
    pages = {row["page"] for row in report["pages"]["rows"]}
    assert pages == {"word_by_word", "one_step", "vanishing", "softmax"}
    assert all(is_stats(r["new_review"]["ratio"]) and is_stats(r["rerun"]["seconds"]) for r in report["pages"]["rows"])
    assert {r["cell"] for r in report["training"]["rows"]} == {"rnn", "lstm", "gru"}
    assert all(is_stats(r["phrases_per_second"]) for r in report["training"]["rows"])
    assert len(report["training"]["time_to_accuracy"]) == 3
    if "skipped" not in report["cold_start"]:
        assert is_stats(report["cold_start"]["ratio"]["first_chart"]) and is_stats(report["memory"]["peak_rss_mb"])
    assert report["targets"]


def test_interactions_through_a_real_server_answer_with_numbers():
    """bench.interactions --through server: two servers, one virtual student per page, a new review and a rerun."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.interactions", "--before", str(ROOT), "--repeats", "1", "--pages", "vanishing",
         "--through", "server", "--json"],
        cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["through"] == "server" and [r["page"] for r in res["rows"]] == ["vanishing"]
    for kind in ("new", "rerun"):
        row = res["rows"][0][kind]
        assert is_stats(row["after_s"]) and row["after_s"]["median"] > 0 and row["after_bytes"] > 0
