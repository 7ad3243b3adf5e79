"""A training run of seconds on trees written here, and the real treebank where it is present."""

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from rnn_core.checkpoint import MODELS_DIR, load_model
from rnn_core.evaluate import evaluate_model
from rnn_core.train import PRESETS, fit
from rnn_core.treebank import parse_tree, read_split, sentences
from rnn_core.vocab import Vocab

from .conftest import ROOT

TREES = [
    "(4 (2 a) (4 (4 great) (2 film)))",
    "(0 (2 a) (0 (0 awful) (2 film)))",
    "(3 (2 truly) (3 good))",
    "(1 (2 truly) (1 bad))",
    "(2 (2 the) (2 film))",
]


@pytest.mark.parametrize("preset", ["rnn-sst2", "gru-sst2", "rnn-sst3", "rnn-sst3-sigmoid3"])
def test_training_smoke_learns_tiny_trees(preset):
    trees = [parse_tree(t) for t in TREES]
    vocab = Vocab.build([s.tokens for s in sentences(trees)])
    cfg = replace(PRESETS[preset], hidden_size=4, epochs=30, batch_size=4, lr=0.05, input_dropout=0.0)
    model, summary = fit(cfg, vocab, trees, sentences(trees), log=lambda _: None)
    assert summary["dev_accuracy"] == 1.0
    assert not model.training


def test_rnn_core_never_imports_streamlit():
    code = "import sys, rnn_core, rnn_core.train, rnn_core.evaluate; import rnn_core.data; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for path in (ROOT / "rnn_core").glob("*.py"):
        assert "import streamlit" not in path.read_text(), path


@pytest.mark.parametrize("name", ["rnn-sst2", "tiny-sst2", "rnn-sst3"])
def test_shipped_model_matches_its_card(name, data_dir):
    card = json.loads((MODELS_DIR / f"{name}.json").read_text())
    result = evaluate_model(load_model(name), sentences(read_split(data_dir, "test")))
    assert result["n"] == card["test_n"]
    assert result["accuracy"] == pytest.approx(card["test_accuracy"], abs=1e-4)
