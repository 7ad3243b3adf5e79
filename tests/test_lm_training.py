"""Training smoke test for the language models: seconds, on made-up sentences over a tiny dictionary."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import torch

from rnn_core.model.language import lm_vocab, load_language_model
from rnn_core.model.lm_eval import card_fields, encode, fit_ngram, lm_perplexity, split_perplexities
from rnn_core.model.lm_train import PRESETS, fit, lm_card
from rnn_core.model.sampled_softmax import Sampler
from rnn_core.text.treebank import Phrase

from .conftest import WORDS

PATTERNS = (["the", "movie", "'s", "great", "."], ["it", "'s", "not", "good", "."], ["the", "movie", "'s", "boring", "."])


def sentences(n: int, seed: int) -> list[Phrase]:
    rng = random.Random(seed)
    return [Phrase(tuple(rng.choice(PATTERNS)), rng.choice([0, 1, 3, 4])) for _ in range(n)]


@pytest.mark.parametrize("preset", ["lm-rnn", "lm-lstm"])
def test_a_short_training_learns_the_patterns(tiny_vocab, preset):
    vocab = lm_vocab(tiny_vocab)
    small = {"hidden_size": 8, "embed_size": 4, "sampled": 4, "sampled_head": 4, "batch_size": 8, "lr": 0.03, "dropout": 0.0}
    cfg = replace(PRESETS[preset], **small, epochs=12, min_gain=0.1, full_epochs=3, max_seconds=60)
    train, dev = sentences(200, 0), sentences(40, 1)
    logs: list[str] = []
    model, summary = fit(cfg, vocab, train, dev, log=logs.append)
    assert summary["dev_perplexity"] < len(vocab) / 2  # 3 patterns of 5 tokens: far better than a uniform guess (13)
    assert summary["dev_perplexity"] == pytest.approx(lm_perplexity(model, encode(dev, vocab)), rel=1e-6)
    assert any("sampled softmax" in line for line in logs) and any("full softmax" in line for line in logs)
    assert summary["full_softmax_epochs"] >= 1 and summary["train_cpu_seconds"] <= summary["train_seconds"] * 2 + 1


def test_conditional_training_and_card(tiny_vocab, tmp_path):
    vocab = lm_vocab(tiny_vocab)
    cfg = replace(PRESETS["lm-cond"], start_from=None, hidden_size=8, embed_size=4, batch_size=8, epochs=3, max_seconds=60)
    train, dev = sentences(200, 0), sentences(40, 1)
    model, summary = fit(cfg, vocab, train, dev, log=lambda _: None)
    assert model.config.labels == 2
    dev_eval = {**split_perplexities(model, dev), "ngram": {"order": 2, "perplexity": 3.0}}
    assert {"perplexity_negative", "perplexity_positive"} <= set(dev_eval)
    path = tmp_path / "lm-cond.pt"
    from rnn_core.model.language import save_language_model

    save_language_model(model, path, vocab)
    card = lm_card("lm-cond", cfg, model, summary, dev_eval, dev_eval, path)
    assert card["dev_perplexity"] == dev_eval["perplexity"] and card["ngram_baseline"]["order"] == 2
    assert card_fields(dev_eval, dev_eval)["test_below_ngram"] == pytest.approx(1 - dev_eval["perplexity"] / 3.0, abs=1e-4)
    assert load_language_model(path, tiny_vocab).config == model.config


def test_sampled_softmax_with_every_word_drawn_tends_to_the_full_softmax(tiny_vocab):
    """With many draws the sampled loss's gradient points where the full cross-entropy's does."""
    vocab = lm_vocab(tiny_vocab)
    ids = encode(sentences(50, 2), vocab)
    from .test_language_model import make_lm

    model = make_lm("rnn", tiny_vocab).requires_grad_(True)
    hidden = torch.randn(16, model.config.hidden_size)
    targets = torch.randint(2, len(vocab), (16,))
    full = torch.autograd.grad(torch.nn.functional.cross_entropy(model.logits_of(hidden), targets), model.W_p)[0]
    torch.manual_seed(0)
    sampled = torch.autograd.grad(Sampler(ids, len(vocab), 20_000, 3, model.eos_id).loss(model, hidden, targets), model.W_p)[0]
    cosine = torch.nn.functional.cosine_similarity(full.flatten(), sampled.flatten(), dim=0)
    assert cosine > 0.95


def test_ngram_fits_the_same_words(tiny_vocab):
    vocab = lm_vocab(tiny_vocab)
    ngram = fit_ngram(sentences(100, 3), vocab, order=3)
    assert ngram.bos == ngram.eos == len(vocab) - 1 and ngram.distribution([ngram.bos] * 2).sum() == pytest.approx(1.0)
    assert all(w in vocab for w in WORDS)
