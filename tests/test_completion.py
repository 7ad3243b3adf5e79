"""Next words, completions, influence and the forgetting example against PyTorch's own softmax and autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_core import MAX_TOKENS, TextError
from rnn_core.explain.completion import complete, judge, lm_influence, next_word_logits, next_words, start_states
from rnn_core.explain.forgetting import STILL_USED, Case, forgetting, forgetting_lesson, probability
from rnn_core.text.tokenizer import detokenize, tokenize

from .conftest import WORDS, make_model
from .test_language_model import make_lm

TINY_CASE = Case(versions=("not good the", "not good the movie the", "not good the movie it's great the"), target="bad",
                 cue="not", swap="it")  # fmt: skip


@pytest.fixture
def lm(tiny_vocab):
    return make_lm("lstm", tiny_vocab, hidden_size=8, embed_size=5)


@pytest.mark.parametrize("text", ["the movie", "not good , the movie 's great .", ""])
def test_top_ten_are_torch_softmax_of_the_logits(lm, text):
    table = next_words(lm, text, k=10)
    ids = lm.vocab.encode(tokenize(text))
    logits = lm(torch.tensor([[lm.eos_id, *ids]]))[0]  # (T + 1, V)
    probs = torch.softmax(logits, dim=-1)
    expected = probs.topk(10, dim=-1)
    np.testing.assert_allclose(table.top_probs, expected.values.numpy(), atol=1e-6)
    np.testing.assert_array_equal(table.top_ids, expected.indices.numpy())
    assert table.top_probs.shape == (len(ids) + 1, 10) and table.steps[0] == "(start)"
    for t, word in enumerate(ids):
        assert table.word_probs[t] == pytest.approx(float(probs[t, word]), abs=1e-6)
        assert table.word_ranks[t] == int((probs[t] > probs[t, word]).sum()) + 1


def test_unknown_words_and_the_word_limit(lm):
    table = next_words(lm, "the zxqv movie")
    assert table.known == [True, False, True]
    with pytest.raises(TextError, match=f"the limit is {MAX_TOKENS}"):
        next_words(lm, "good " * (MAX_TOKENS + 1))
    assert next_words(lm, "   ").top_probs.shape[0] == 1  # nothing typed: the first word of a sentence


def test_completion_is_reproducible_and_reports_the_clamped_temperature(lm):
    a = complete(lm, "the movie", max_words=12, temperature=0.0, top_k=0, seed=5)
    assert a == complete(lm, "the movie", max_words=12, temperature=0.0, top_k=0, seed=5)
    assert a.temperature == 0.1 and a.asked_temperature == 0.0 and a.clamped
    assert len(a.tokens) <= 12 and (a.ended or len(a.tokens) == 12)
    hot = complete(lm, "the movie", max_words=12, temperature=99, seed=5)
    assert hot.temperature == 3.0 and hot.clamped
    assert all(w in WORDS + ["<unk>"] for w in a.tokens)


@pytest.mark.parametrize("frozen", [False, True])
def test_influence_matches_one_autograd_pass_per_word(lm, frozen):
    ids = [lm.eos_id, *lm.vocab.encode(["not", "good", "the", "movie"])]
    target = lm.vocab.stoi["bad"]
    fast = lm_influence(lm.freeze() if frozen else lm, ids, target)
    lm.out_matrix = None  # the reference below runs through W_e itself
    x_cols = lm.input_columns(torch.tensor([ids]))[0]  # (T, G*H)
    for t in range(len(ids)):
        column = x_cols[t].clone().requires_grad_(True)

        def final_logit(col: torch.Tensor, t: int = t) -> torch.Tensor:
            state = lm.start_state(1)
            for s in range(len(ids)):
                state = lm.step((col if s == t else x_cols[s])[None], state)
            return lm.logits_of(state[0])[0, target]

        (grad,) = torch.autograd.grad(final_logit(column), column)
        assert fast[t] == pytest.approx(float(grad.norm()), rel=1e-5)
        nudge = torch.zeros_like(column)
        k = int(grad.abs().argmax())
        nudge[k] = 1e-3
        with torch.no_grad():  # finite difference along the steepest coordinate, in float64 for the tolerance
            diff = (final_logit(column + nudge) - final_logit(column - nudge)) / 2e-3
        assert float(diff) == pytest.approx(float(grad[k]), rel=2e-2, abs=1e-4)


def test_conditional_label_changes_the_first_state_and_what_follows(tiny_vocab):
    cond = make_lm("lstm", tiny_vocab, labels=2, hidden_size=8, embed_size=5)
    h0 = start_states(cond)
    assert h0.shape == (2, 8) and not np.allclose(h0[0], h0[1])
    assert not torch.allclose(next_word_logits(cond, [2], label=0), next_word_logits(cond, [2], label=1))
    assert complete(cond, "", 20, seed=1, label=0) == complete(cond, "", 20, seed=1, label=0)


def test_judge_is_the_sentiment_models_answer(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    p, cls = judge(model, ["not", "good"])
    with torch.no_grad():
        expected = float(model.probs(torch.tensor([tiny_vocab.encode(["not", "good"])]))[0, -1, 0])
    assert p == pytest.approx(expected) and cls == ("positive" if expected >= 0.5 else "negative")


def test_forgetting_numbers_and_sentences(tiny_vocab):
    models = {"RNN": make_lm("rnn", tiny_vocab, seed=1), "LSTM": make_lm("lstm", tiny_vocab, seed=2)}
    result = forgetting(models, TINY_CASE)
    assert result.texts == ["not good the", "not good the movie the", "not good the movie it's great the"]
    assert result.distances == [2, 4, 7]
    for label, m in result.models.items():
        model = models[label]
        for n, text in enumerate(TINY_CASE.versions):
            ids = model.vocab.encode(tokenize(text))
            probs = torch.softmax(next_word_logits(model, ids)[-1], -1)
            assert m.right[n] == pytest.approx(float(probs[model.vocab.stoi["bad"]]), rel=1e-5)
            row = lm_influence(model, [model.eos_id, *ids], model.vocab.stoi["bad"])[1:]
            np.testing.assert_allclose(m.influence[n], row, rtol=1e-6)
            assert m.cue_share[n] == pytest.approx(row[0] / row.max())
    lines = forgetting_lesson(result)
    for line, (label, m) in zip(lines, result.models.items()):
        assert line.startswith(f"**{label}**") and f"P = {probability(m.right[0])}," in line
        assert f"P = {probability(m.right[-1])}," in line and "P = 0.000," not in line
        assert ("every distance" in line) == bool((m.ratio >= STILL_USED).all())
    assert len(lines) == 3 and lines[-1].startswith("The longest distance at which “not” still counts: RNN ")
    for label, m in result.models.items():
        counted = list(np.cumprod(m.ratio >= STILL_USED).astype(bool))  # still counting at every shorter version too
        reach = max((d for d, c in zip(result.distances, counted) if c), default=0)
        assert (f"{label} {reach} word" if reach else f"{label} not even the shortest") in lines[-1]


def test_detokenize():
    tokens = ["it", "'s", "a", "-lrb-", "fine", "-rrb-", "film", ",", "``", "the", "end", "''", "is", "n't", "it", "?"]
    assert detokenize(tokens) == "it's a (fine) film, \"the end\" isn't it?"


def test_influence_of_a_conditional_model_reads_its_label_at_every_step(tiny_vocab):
    """The label's vector is part of every input column, and its output bias of the logit: autograd agrees."""
    model = make_lm("lstm", tiny_vocab, labels=2, hidden_size=8, embed_size=5, every_step=True)
    ids, target, label = [model.eos_id, *model.vocab.encode(["not", "good", "the"])], model.vocab.stoi["bad"], 1
    fast = lm_influence(model, ids, target, label)
    with torch.enable_grad():  # by hand: u_t = W_x (W_e[w_t] + W_lx[:, label]); logit = (W_e W_p h_T + b_y + b_label)[target]
        x_cols = ((model.W_e[ids] + model.W_lx[:, label]) @ model.W_x.t()).detach().requires_grad_(True)  # (T, G*H)
        state = model.start_state(1, torch.tensor([label]))
        for t in range(len(ids)):
            state = model.step(x_cols[t][None], state)
        logit = model.W_e[target] @ (model.W_p @ state[0][0]) + model.b_y[target] + model.b_label[target, label]
        (grad,) = torch.autograd.grad(logit, x_cols)
    np.testing.assert_allclose(fast, grad.norm(dim=-1).numpy(), rtol=1e-5)
    assert not np.allclose(fast, lm_influence(model, ids, target, 0))  # the other label: other columns, other numbers


def test_a_small_probability_is_never_written_as_zero():
    assert probability(0.2771) == "0.277" and probability(0.0103) == "0.010"
    assert probability(0.00027) == "0.00027" and probability(2.3e-6) == "2.3e-06"
