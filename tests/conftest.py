"""Shared fixtures: tiny models and dictionaries built in the test, and the real data when present."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

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


def open_app(page: str | None = None, query: dict | None = None) -> AppTest:
    """The app through its router (as a browser reaches it), optionally with URL query parameters, on ``page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run() if page else at


def has(at: AppTest, key: str) -> bool:
    """Whether the page shows an element with this key."""
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (data, layout, frames) of the chart with this key, as the browser receives it."""
    assert has(at, key), f"no chart {key}"
    return json.loads(at.get_by_key(key).proto.spec)


@pytest.fixture(scope="session")
def base_url():
    """One app server for every browser test (tests/browser_session.serve); each test opens its own browser context,
    so its own Streamlit session. Tests that need a just-started server start one themselves."""
    from tests.browser_session import serve

    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for one browser test module (tests/browser_session.chromium). Module, not
    session: Playwright's sync API keeps an event loop running while it is open, and later tests use asyncio.run."""
    from tests.browser_session import chromium

    with chromium() as b:
        yield b
