"""The model's maths: one-hot equivalence, trace = batched forward, heads, and PyTorch's own cells."""

import numpy as np
import pytest
import torch

from rnn_core.explain.trace import TextError, trace
from rnn_core.model.network import CELLS, HEADS

from .conftest import make_model

TEXT = "it 's not the good movie . it 's great boring bad zzz-unknown"


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("head", HEADS)
def test_trace_equals_batched_forward(cell, head, tiny_vocab):
    model = make_model(cell, head, tiny_vocab)
    tr = trace(model, TEXT)
    with torch.no_grad():
        logits = model(torch.tensor([tr.ids]))[0]  # (T, C)
        hidden = model.hidden_states(torch.tensor([tr.ids]))[0]  # (T, H)
    np.testing.assert_allclose(tr.logits, logits.numpy(), atol=1e-5)
    np.testing.assert_allclose(tr.hidden, hidden.numpy(), atol=1e-5)
    assert tr.probs.shape == (len(tr.tokens), len(model.config.classes))
    assert tr.known[-1] is False and tr.unknown_tokens == ["zzz-unknown"]


def test_one_hot_times_W_x_is_the_column(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    for word in ["good", "bad", "never-seen"]:
        one_hot = torch.from_numpy(tiny_vocab.one_hot(word))  # (V,)
        index = tiny_vocab.encode([word])[0]
        column = model.input_columns(torch.tensor([[index]]))[0, 0]
        torch.testing.assert_close(model.W_x @ one_hot, column, rtol=0, atol=1e-6)


def test_rnn_parts_add_up_to_the_hidden_state(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    tr = trace(model, TEXT)
    W_x, W_hh, b_h = (p.detach().numpy() for p in (model.W_x, model.W_hh, model.b_h))
    h_prev = np.zeros(model.config.hidden_size)
    for t, index in enumerate(tr.ids):
        np.testing.assert_allclose(tr.x_part[t], W_x[:, index], atol=1e-6)
        np.testing.assert_allclose(tr.h_part[t], W_hh @ h_prev, atol=1e-6)
        np.testing.assert_allclose(tr.preact[t], W_x[:, index] + W_hh @ h_prev + b_h, atol=1e-6)
        np.testing.assert_allclose(tr.hidden[t], np.tanh(tr.preact[t]), atol=1e-6)
        h_prev = tr.hidden[t]


def test_heads_softmax_sums_to_one_sigmoid3_need_not(tiny_vocab):
    soft = trace(make_model("rnn", "softmax", tiny_vocab), TEXT)
    np.testing.assert_allclose(soft.probs.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(soft.probs, torch.softmax(torch.from_numpy(soft.logits), -1).numpy(), atol=1e-6)
    three = trace(make_model("rnn", "sigmoid3", tiny_vocab), TEXT)
    np.testing.assert_allclose(three.probs, 1 / (1 + np.exp(-three.logits)), atol=1e-6)
    assert np.abs(three.probs.sum(axis=1) - 1).max() > 0.05


@pytest.mark.parametrize("cell, module", [("rnn", torch.nn.RNN), ("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU)])
def test_cells_match_pytorch(cell, module, tiny_vocab):
    """Our cell equals PyTorch's when its input is the one-hot vector and W_ih = W_x."""
    model = make_model(cell, "sigmoid", tiny_vocab)
    H, V = model.config.hidden_size, len(tiny_vocab)
    ref = module(V, H, batch_first=True)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(model.W_x)
        ref.weight_hh_l0.copy_(model.W_hh)
        ref.bias_ih_l0.copy_(model.b_h)
        ref.bias_hh_l0.zero_()
        if cell == "gru":
            ref.bias_hh_l0[2 * H :] = model.b_hn
        ids = torch.tensor([tiny_vocab.encode(TEXT.split())])
        expected, _ = ref(torch.nn.functional.one_hot(ids, V).float())
        torch.testing.assert_close(model.hidden_states(ids), expected, atol=1e-5, rtol=1e-5)


def test_lstm_and_gru_gates_are_in_range(tiny_vocab):
    for cell in ("lstm", "gru"):
        tr = trace(make_model(cell, "sigmoid", tiny_vocab), TEXT)
        for name, values in tr.gates.items():
            assert values.shape == tr.hidden.shape
            if name not in ("candidate", "cell"):
                assert values.min() >= 0 and values.max() <= 1


def test_bad_text_raises_readable_errors(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab)
    with pytest.raises(TextError, match="no words"):
        trace(model, "   ")
    with pytest.raises(TextError, match="limit is 300"):
        trace(model, "good " * 301)
    tr = trace(model, "😀 <script>alert(1)</script>")
    assert not any(tr.known) and "😀" in tr.tokens
