"""Properties over any text (hypothesis): the tokenizer never raises, and trace either reads the text, with
probabilities in [0, 1] that add up to 1 where they are a distribution, or raises TextError, and nothing else.

Tiny models on a 12-word dictionary keep each example to a millisecond or two.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_core import MAX_TOKENS, TextError, tokenize, trace
from rnn_core.model.network import CELLS, HEADS
from rnn_core.text.vocab import Vocab

from .conftest import WORDS, make_model

VOCAB = Vocab.build([WORDS], size=len(WORDS) + 2)
MODELS = {(cell, head): make_model(cell, head, VOCAB, hidden_size=3) for cell in CELLS for head in HEADS}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any unicode, controls included (hypothesis leaves out lone surrogates, which no browser can send as UTF-8); text made
# of the dictionary's words, markup and punctuation, so that known words get read too; and texts around the limit.
ANY_TEXT = st.text(max_size=200)
PIECES = st.sampled_from([*WORDS, "don't", "it's", "(", ")", '"', "...", "--", "<b>", "😀", "שלום", "\x00", "\n", "  "])
WORDY_TEXT = st.lists(PIECES, max_size=60).map(" ".join)
LONG_TEXT = st.integers(MAX_TOKENS - 5, MAX_TOKENS + 40).map(lambda n: " ".join(["good"] * n))
TEXTS = st.one_of(ANY_TEXT, WORDY_TEXT, LONG_TEXT)


@SETTINGS
@given(TEXTS)
def test_tokenizer_never_raises_and_gives_clean_tokens(text):
    tokens = tokenize(text)
    assert isinstance(tokens, list)
    for token in tokens:
        assert isinstance(token, str) and token and token == token.strip()
        assert not any(ch.isspace() for ch in token)
        assert all(ch.isprintable() for ch in token), repr(token)  # control and format characters never reach a page
    assert tokenize(text) == tokens  # deterministic


@SETTINGS
@given(TEXTS, st.sampled_from(sorted(MODELS)))
def test_trace_reads_the_text_or_says_why_not(text, key):
    model = MODELS[key]
    try:
        tr = trace(model, text)
    except TextError as err:
        n = len(tokenize(text))
        assert n == 0 or n > MAX_TOKENS, f"refused {n} tokens: {err}"
        assert str(err)  # the message the page shows
        return
    cell, head = key
    tokens = tokenize(text)
    assert tr.tokens == tokens and 1 <= tr.seq_len <= MAX_TOKENS
    assert len(tr.ids) == len(tr.known) == tr.seq_len
    assert tr.hidden.shape == (tr.seq_len, 3) and np.all(np.abs(tr.hidden) <= 1)
    assert tr.probs.shape == (tr.seq_len, len(tr.classes))
    assert np.all(np.isfinite(tr.probs)) and np.all((tr.probs >= 0) & (tr.probs <= 1))
    if head == "softmax":
        np.testing.assert_allclose(tr.probs.sum(axis=1), 1.0, atol=1e-5)
    assert [t for t, k in zip(tr.tokens, tr.known) if not k] == [t for t in tokens if t not in VOCAB.stoi]


@pytest.mark.parametrize("value", [None, b"good movie", 42, ["good"]])
def test_trace_refuses_what_is_not_text(value):
    with pytest.raises(TextError):
        trace(MODELS["rnn", "sigmoid"], value)
