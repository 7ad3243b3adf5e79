"""The language models: the sentiment models' cell, the fused training path, files, labels and seeded sampling."""

from __future__ import annotations

import pickle

import pytest
import torch

from rnn_core import list_models
from rnn_core.model.checkpoint import ModelFileError, save_model
from rnn_core.model.language import (
    EOS,
    LanguageConfig,
    LanguageRNN,
    clamp_temperature,
    fused_hidden,
    lm_vocab,
    load_language_model,
    sample_ids,
    sampling_probs,
    save_language_model,
)
from rnn_core.model.network import ModelConfig, SentimentRNN

from .conftest import make_model


def make_lm(
    cell: str, vocab, labels: int = 0, hidden_size: int = 6, embed_size: int = 4, seed: int = 0, every_step: bool = False
) -> LanguageRNN:
    """A small language model over ``vocab`` + <eos> with every weight non-zero, in eval mode (``every_step``: a
    conditional model that also reads its label beside every word)."""
    torch.manual_seed(seed)
    words = lm_vocab(vocab)
    model = LanguageRNN(LanguageConfig(cell, hidden_size, embed_size, len(words), labels, every_step))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.8, 0.8)
    model.vocab = words
    return model.eval().requires_grad_(False)  # as loaded: read-only


@pytest.fixture
def ids() -> torch.Tensor:
    return torch.tensor([[12, 2, 5, 7, 3], [12, 9, 9, 1, 4]])  # (B, T): the start mark (<eos> = 12) then words


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(("labels", "every_step"), [(0, False), (2, False), (2, True)])
def test_fused_training_path_equals_the_step_by_step_model(tiny_vocab, ids, cell, labels, every_step):
    model = make_lm(cell, tiny_vocab, labels, every_step=every_step)
    lab = torch.tensor([0, 1]) if labels else None
    torch.testing.assert_close(model.logits_of(fused_hidden(model, ids, lab), lab), model(ids, lab), atol=1e-5, rtol=0)
    flat = model.logits_of(fused_hidden(model, ids, lab).flatten(0, 1), None if lab is None else lab.repeat_interleave(5))
    torch.testing.assert_close(flat, model(ids, lab).flatten(0, 1), atol=1e-5, rtol=0)  # one label per row, as trained


def test_a_label_read_at_every_step_is_its_vector_and_output_bias(tiny_vocab, ids):
    """Step by step by hand: u_t = W_x (W_e[w_t] + W_lx[:, y]), logits_t = W_e W_p h_t + b_y + b_label[:, y]."""
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=True)
    state = model.start_state(1, torch.tensor([1]))
    for t, w in enumerate(ids[0].tolist()):
        u = model.W_x @ (model.W_e[w] + model.W_lx[:, 1])  # (G*H,)
        state = model.step(u[None], state)
        by_hand = model.W_e @ (model.W_p @ state[0][0]) + model.b_y + model.b_label[:, 1]  # (V,)
        torch.testing.assert_close(model(ids[:1], torch.tensor([1]))[0, t], by_hand, atol=1e-5, rtol=0)
    plain = make_lm("lstm", tiny_vocab, labels=2)
    assert not hasattr(plain, "W_lx") and not hasattr(plain, "b_label")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_cell_is_the_sentiment_models_cell(tiny_vocab, ids, cell):
    """With W_x W_e^T as its input matrix (one column per word), a SentimentRNN has the same hidden states."""
    model = make_lm(cell, tiny_vocab)
    twin = SentimentRNN(ModelConfig(cell, "sigmoid", model.config.hidden_size, model.config.vocab_size))
    with torch.no_grad():
        twin.W_x.copy_(model.W_x @ model.W_e.t())  # (G*H, V): the input column of each word
        twin.W_hh.copy_(model.W_hh)
        twin.b_h.copy_(model.b_h)
        if cell == "gru":
            twin.b_hn.copy_(model.b_hn)
    hidden, _ = model.run(ids, model.start_state(2))
    torch.testing.assert_close(hidden, twin.eval().hidden_states(ids), atol=1e-5, rtol=0)
    assert LanguageRNN.step is SentimentRNN.step


@pytest.mark.parametrize("every_step", [False, True])
def test_the_label_sets_the_first_hidden_state(tiny_vocab, ids, every_step):
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=every_step)
    neg, pos = model.start_state(2, torch.tensor([0, 1]))[0]
    assert not torch.allclose(neg, pos)
    logits = model(ids[:1].repeat(2, 1), torch.tensor([0, 1]))  # (2, T, V): the same words from each label
    assert not torch.allclose(logits[0], logits[1])
    with pytest.raises(ValueError, match="needs a label"):
        model(ids)


def test_dictionary_gains_eos_and_keeps_every_index(tiny_vocab):
    words = lm_vocab(tiny_vocab)
    assert words.itos[:-1] == tiny_vocab.itos and words.itos[-1] == EOS and lm_vocab(words) is words


def test_round_trip_in_float16(tmp_path, tiny_vocab, ids):
    model = make_lm("lstm", tiny_vocab, labels=2)
    save_language_model(model, tmp_path / "lm-x.pt", lm_vocab(tiny_vocab))
    loaded = load_language_model(tmp_path / "lm-x.pt", tiny_vocab)
    assert loaded.config == model.config and loaded.name == "lm-x" and not loaded.training
    lab = torch.tensor([1, 0])
    torch.testing.assert_close(torch.softmax(loaded(ids, lab), -1), torch.softmax(model(ids, lab), -1), atol=2e-3, rtol=0)


class Boom:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_bad_files_are_refused(tmp_path, tiny_vocab, capsys):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_language_model(tmp_path / "missing.pt", tiny_vocab)
    (tmp_path / "boom.pt").write_bytes(pickle.dumps(Boom(), protocol=2))
    with pytest.raises(ModelFileError, match="damaged or not a safe"):
        load_language_model(tmp_path / "boom.pt", tiny_vocab)
    assert "must never run" not in capsys.readouterr().out
    save_model(make_model("rnn", "sigmoid", tiny_vocab), tmp_path / "sentiment.pt", tiny_vocab)
    with pytest.raises(ModelFileError, match="expected format 'rnn-lens-lm/1'"):
        load_language_model(tmp_path / "sentiment.pt", tiny_vocab)
    save_language_model(make_lm("rnn", tiny_vocab), tmp_path / "lm-small.pt", lm_vocab(tiny_vocab))
    other = lm_vocab(tiny_vocab.build([["other", "words"]], size=len(tiny_vocab)))
    with pytest.raises(ModelFileError, match="different dictionary"):
        load_language_model(tmp_path / "lm-small.pt", other)


def test_the_sentiment_picker_never_lists_a_language_model():
    assert not [name for name in list_models() if name.startswith("lm-")]


def test_sampling_with_a_seed_is_reproducible(tiny_vocab):
    model = make_lm("lstm", tiny_vocab, labels=2)
    first = sample_ids(model, [2, 3], 20, temperature=1.3, top_k=5, seed=7, label=1)
    assert first == sample_ids(model, [2, 3], 20, temperature=1.3, top_k=5, seed=7, label=1)
    assert 0 < len(first) <= 20 and 0 not in first  # <pad> is never drawn
    draws = {tuple(sample_ids(model, [2], 20, 1.0, 0, seed, 0)) for seed in range(8)}
    assert len(draws) > 1


def test_a_sentence_for_people_never_draws_unk(tiny_vocab):
    model = make_lm("lstm", tiny_vocab, labels=2, every_step=True)
    with torch.no_grad():
        model.b_y[model.vocab.unk_id] = 50.0  # <unk> would be drawn almost every time
    assert model.vocab.unk_id in sample_ids(model, [], 10, 1.0, 0, 0, 1)
    for seed in range(5):
        drawn = sample_ids(model, [], 10, 1.0, 0, seed, 1, unknown=False)
        assert drawn and model.vocab.unk_id not in drawn and 0 not in drawn


def test_top_one_is_the_most_probable_word_every_time(tiny_vocab):
    model = make_lm("gru", tiny_vocab)
    words = sample_ids(model, [4], 6, temperature=1.0, top_k=1, seed=3)
    prefix = [4]
    for w in words:
        logits = model(torch.tensor([[model.eos_id, *prefix]]))[0, -1]  # (V,)
        logits[0] = -torch.inf
        assert w == int(logits.argmax())
        prefix.append(w)


def test_sampling_distribution_temperature_and_top_k():
    logits = torch.tensor([5.0, 1.0, 2.0, 3.0, 0.0])
    probs = sampling_probs(logits, 1.0, 2)
    assert probs[0] == 0 and (probs > 0).sum() == 2  # <pad> banned, then the two largest of the rest
    torch.testing.assert_close(probs[[3, 2]], torch.softmax(torch.tensor([3.0, 2.0]), -1))
    assert clamp_temperature(0) == 0.1 and clamp_temperature(50) == 3.0 and clamp_temperature(float("nan")) == 1.0
    torch.testing.assert_close(sampling_probs(logits, 0.0, 0), sampling_probs(logits, 0.1, 0))


def test_a_frozen_model_gives_the_same_logits(tiny_vocab, ids):
    model = make_lm("lstm", tiny_vocab)
    before = model(ids)
    assert model.freeze() is model and model.out_matrix.is_contiguous()
    torch.testing.assert_close(model(ids), before, atol=1e-6, rtol=0)


def test_weight_drop_acts_in_training_only(tiny_vocab, ids):
    model = make_lm("lstm", tiny_vocab)
    model.weight_drop = 1.0  # every weight of W_hh dropped: the cell forgets h_{t-1} (c_{t-1} still flows)
    torch.testing.assert_close(model.logits_of(fused_hidden(model, ids)), model(ids), atol=1e-5, rtol=0)  # eval: none
    model.train()
    dropped = model.logits_of(fused_hidden(model, ids))
    with torch.no_grad():
        model.W_hh.zero_()
    torch.testing.assert_close(dropped, model.eval()(ids), atol=1e-5, rtol=0)
