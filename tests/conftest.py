"""Shared fixtures: tiny models and dictionaries built in the test, and the real data when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from rnn_core.model.network import ModelConfig, SentimentRNN
from rnn_core.text.vocab import Vocab

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["good", "bad", "not", "movie", "the", "great", "boring", "it", "'s", "."]


@pytest.fixture
def tiny_vocab() -> Vocab:
    return Vocab.build([WORDS], size=len(WORDS) + 2)


def make_model(cell: str, head: str, vocab: Vocab, hidden_size: int = 5, seed: int = 0) -> SentimentRNN:
    torch.manual_seed(seed)
    model = SentimentRNN(ModelConfig(cell, head, hidden_size, len(vocab)))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.8, 0.8)  # non-zero biases too, so every term is exercised
    model.vocab = vocab
    return model.eval()


@pytest.fixture
def data_dir() -> Path:
    folder = os.environ.get("RNN_LENS_DATA")
    if not folder or not Path(folder, "train.txt").is_file():
        pytest.skip("needs the treebank: set RNN_LENS_DATA to a folder holding train.txt, dev.txt, test.txt")
    return Path(folder)


# Tests share 2 cores with other work; one torch thread avoids OpenMP threads fighting over them.
torch.set_num_threads(1)
