"""The virtual-student load client runs both scenarios end to end in a tiny setting, so it cannot rot. Its figures
are not checked (no timing assertions): only that every interaction reached script-finished without an error."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

from bench.classroom import new_review
from rnn_core.text.tokenizer import tokenize

from .conftest import ROOT


def test_reviews_are_about_fifty_words_new_each_time_and_seeded():
    a, b = random.Random(1), random.Random(1)
    first = [new_review(a) for _ in range(5)]
    assert first == [new_review(b) for _ in range(5)] and len(set(first)) == 5
    assert all(50 <= len(r.split()) <= 60 and len(tokenize(r)) <= 300 for r in first)


def test_both_scenarios_with_two_students(tmp_path):
    out = tmp_path / "classroom.json"
    cmd = [sys.executable, "-m", "bench.classroom", "--sessions", "2", "--duration", "8", "--think", "1", "3",
           "--browsers", "0", "--out", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=400)
    assert out.is_file(), proc.stderr[-3000:]
    runs = json.loads(out.read_text())["runs"]
    assert [r["scenario"] for r in runs] == ["burst", "class"] and proc.returncode == 0
    for r in runs:
        assert r["errors"] == 0, r["error_samples"]
        assert r["server_cpu_s"] > 0 and r["kb_per_interaction"] > 0 and r["server_peak_rss_mb"] > 0
    kinds = {row["kind"] for row in runs[1]["raw"]}
    assert "open shared link" in kinds and len(kinds) > 1, kinds


def test_interactions_bench_runs_a_checkout_against_itself():
    """bench.interactions: two workers (here both this checkout), a new review and a rerun each, no error."""
    from bench.interactions import compare

    res = compare(ROOT, repeats=1, words=12, only=("one_step",))
    (row,) = res["rows"]
    assert row["page"] == "one_step" and row["new"]["before_bytes"] == row["new"]["after_bytes"] > 0


def test_wire_bench_counts_socket_bytes_with_and_without_compression():
    cmd = [sys.executable, "-m", "bench.wire", "--repeats", "1", "--words", "12", "--pages", "word_by_word", "--json"]
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    new = next(r for r in rows if r["page"] == "word_by_word" and r["interaction"] == "new review")
    assert new["wire_bytes"]["plain"]["median"] >= new["message_bytes"]["median"] > 0  # frames add their headers
    assert new["wire_bytes"]["compressed"]["median"] < new["wire_bytes"]["plain"]["median"]
