"""Gradients through time, checked against torch.autograd on the model's own forward pass and finite differences.

Tolerances: float64 models, so autograd references agree to 1e-9 (relative) and central finite
differences (step 1e-6, error O(step^2) plus rounding ~1e-10/step) to 1e-6; the float32 path through
review_gradients agrees with the float64 reference to 1e-4.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_core.explain.gradients import (
    decay_curves,
    first_word_experiment,
    influence_batch,
    largest_singular_value,
    random_sequences,
    review_gradients,
    review_influence,
    state_matrix,
    step_jacobians,
    step_numbers,
    word_influence,
)
from rnn_core.explain.trace import trace
from tests.conftest import make_model

CELLS = ("rnn", "lstm", "gru")
IDS = [2, 5, 3, 7, 4, 9, 6]  # distinct words: a column of W_x then belongs to one step only
EPS = 1e-6


@pytest.fixture
def float64():
    """float64 everywhere, start states included, for tight comparisons; restored afterwards."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def model64(cell: str, vocab, head: str = "sigmoid", hidden_size: int = 5, seed: int = 0):
    return make_model(cell, head, vocab, hidden_size=hidden_size, seed=seed).double()


def states_along(model, ids: list[int]) -> list[tuple[torch.Tensor, ...]]:
    """Every state (each (1, H)) from the start state, by the model's own step: states[k] is after word k (0 = start)."""
    state = tuple(s.double() for s in model.initial_state(1))
    cols = model.input_columns(torch.tensor([ids]))  # (1, T, G*H)
    out = [state]
    for t in range(len(ids)):
        state = model.step(cols[:, t], state)
        out.append(state)
    return out


def h_after(model, ids: list[int], start: tuple[torch.Tensor, ...], t: int, s: int) -> torch.Tensor:
    """h_s computed from the state after word t (0-based words), by the model's own step. Shape (H,)."""
    cols = model.input_columns(torch.tensor([ids]))  # (1, T, G*H)
    state = start
    for k in range(t + 1, s + 1):
        state = model.step(cols[:, k], state)
    return state[0][0]


def reference_matrix(model, ids: list[int]) -> np.ndarray:
    """||dh_s / dstate_t||_F / sqrt(H) pair by pair with torch.autograd.functional.jacobian (slow, exact)."""
    states = states_along(model, ids)
    size, hidden = len(ids), model.config.hidden_size
    out = np.full((size, size), np.nan)
    for t in range(size):
        for s in range(t, size):
            jac = torch.autograd.functional.jacobian(lambda *st, t=t, s=s: h_after(model, ids, st, t, s), states[t + 1])
            full = torch.cat([j.reshape(hidden, -1) for j in jac], dim=1)  # (H, S)
            out[s, t] = float(full.norm()) / hidden**0.5
    return out


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
def test_influence_equals_autograd_on_the_models_forward(float64, tiny_vocab, cell, head):
    model = model64(cell, tiny_vocab, head)
    ids = torch.tensor([IDS])
    final = model(ids)[0, -1]  # (C,)
    target = int(final.argmax())
    with torch.enable_grad():
        model.W_x.requires_grad_(True)
        (grad_w,) = torch.autograd.grad(model(ids)[0, -1, target], model.W_x)  # (G*H, V)
    expected = grad_w[:, IDS].norm(dim=0).numpy()  # column id_t of W_x is u_t
    np.testing.assert_allclose(word_influence(model, IDS), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_influence_equals_finite_differences(float64, tiny_vocab, cell):
    model = model64(cell, tiny_vocab)
    got = word_influence(model, IDS)
    for t in (0, 3, len(IDS) - 1):
        grad = []
        for j in range(model.W_x.shape[0]):
            logits = []
            for sign in (1, -1):
                with torch.no_grad():
                    model.W_x[j, IDS[t]] += sign * EPS
                    logits.append(float(model(torch.tensor([IDS]))[0, -1, 0]))
                    model.W_x[j, IDS[t]] -= sign * EPS
            grad.append((logits[0] - logits[1]) / (2 * EPS))
        assert got[t] == pytest.approx(np.linalg.norm(grad), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("cell", CELLS)
def test_step_jacobians_equal_autograd(float64, tiny_vocab, cell):
    model = model64(cell, tiny_vocab)
    states = states_along(model, IDS)
    jac = step_jacobians(model, IDS)
    size = model.config.hidden_size * (2 if cell == "lstm" else 1)
    assert jac.shape == (len(IDS), size, size)
    for k in range(len(IDS)):

        def one(*st, k=k):
            return torch.cat(model.step(model.input_columns(torch.tensor([[IDS[k]]]))[:, 0], st), dim=-1)[0]

        ref = torch.autograd.functional.jacobian(one, states[k])
        full = torch.cat([r.reshape(size, -1) for r in ref], dim=1)  # (S, S)
        torch.testing.assert_close(jac[k], full, rtol=1e-9, atol=1e-12)


def test_rnn_step_jacobian_is_tanh_slope_times_w_hh(float64, tiny_vocab):
    model = model64("rnn", tiny_vocab)
    hidden = model.hidden_states(torch.tensor([IDS]))[0]  # (T, H)
    expected = (1 - hidden**2)[:, :, None] * model.W_hh  # (T, H, H) diag(1 - h_k^2) W_hh
    torch.testing.assert_close(step_jacobians(model, IDS), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_state_matrix_equals_pairwise_autograd(float64, tiny_vocab, cell):
    model = model64(cell, tiny_vocab)
    got = state_matrix(step_jacobians(model, IDS), model.config.hidden_size)
    ref = reference_matrix(model, IDS)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)  # NaN above the diagonal in both
    np.testing.assert_allclose(np.diag(got), 1.0, rtol=1e-12)
    assert np.isnan(got[np.triu_indices(len(IDS), 1)]).all()


def test_state_matrix_refuses_a_two_part_state_that_is_not_an_lstm():
    """The lstm sweep relies on the memory-cell columns being diagonal; other (T, 2H, 2H) Jacobians are refused."""
    jac = torch.rand(3, 4, 4) + 0.1  # dense everywhere
    with pytest.raises(ValueError, match="not diagonal"):
        state_matrix(jac, hidden_size=2)


@pytest.mark.parametrize("cell", CELLS)
def test_state_matrix_equals_finite_differences(float64, tiny_vocab, cell):
    """Nudge each number of the state after word t and watch h_s move: one (s, t) pair."""
    model = model64(cell, tiny_vocab)
    states, t, s = states_along(model, IDS), 1, 5
    flat = torch.cat(states[t + 1], dim=-1)[0]  # (S,)
    hidden = model.config.hidden_size
    columns = []
    for j in range(len(flat)):
        moved = []
        for sign in (1, -1):
            nudged = flat.clone()
            nudged[j] += sign * EPS
            moved.append(h_after(model, IDS, tuple(nudged[None].split(hidden, dim=-1)), t, s))
        columns.append((moved[0] - moved[1]) / (2 * EPS))
    fd = float(torch.stack(columns, dim=1).detach().norm()) / hidden**0.5
    got = state_matrix(step_jacobians(model, IDS), hidden)[s, t]
    assert got == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("cell", CELLS)
def test_review_gradients_float32_matches_float64_reference(tiny_vocab, cell):
    model = make_model(cell, "sigmoid", tiny_vocab, hidden_size=5)
    text = "not good , the movie 's boring ."
    g = review_gradients(model, text)
    ids = tiny_vocab.encode(text.split())
    assert g.tokens == text.split() and g.ids == ids and g.target == "positive"
    ref_model = make_model(cell, "sigmoid", tiny_vocab, hidden_size=5).double()  # same weights, float64
    np.testing.assert_allclose(g.state_norms, reference_matrix(ref_model, ids), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(g.influence, word_influence(ref_model, ids), rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(review_influence(model, text), g.influence, rtol=1e-6)
    svd = torch.linalg.svdvals(step_jacobians(ref_model, ids))[:, 0].numpy()  # (T,) largest singular values
    np.testing.assert_allclose(g.step_gain, svd, rtol=1e-4)
    assert g.typical_gain == pytest.approx(float(np.exp(np.log(svd).mean())), rel=1e-4)
    nums = g.numbers
    assert nums == step_numbers(model, text) and nums.cell == cell
    assert nums.sigma_max == pytest.approx(float(torch.linalg.svdvals(model.W_hh.detach())[0]), rel=1e-5)
    hidden = model.hidden_states(torch.tensor([ids]))[0].detach()  # (T, H)
    if cell == "rnn":
        assert nums.mean_slope == pytest.approx(float((1 - hidden**2).mean()), rel=1e-5)
        assert nums.mean_keep is None
    else:
        assert 0 < nums.mean_slope <= 1 and 0 < nums.mean_keep < 1
    assert g.lag_median(2) == pytest.approx(float(np.median(np.diagonal(g.state_norms, offset=-2))))
    assert g.lag_median(len(ids)) is None


@pytest.mark.parametrize("cell", CELLS)
def test_window_is_the_corner_of_the_full_matrix(tiny_vocab, cell):
    model = make_model(cell, "sigmoid", tiny_vocab)
    text = "not good , the movie 's boring ."
    full, cut = review_gradients(model, text), review_gradients(model, text, window=3)
    assert full.first_word == 0 and cut.first_word == 5
    np.testing.assert_allclose(cut.state_norms, full.state_norms[5:, 5:], rtol=1e-6)
    np.testing.assert_array_equal(cut.influence, full.influence)
    assert review_gradients(model, text, window=50).state_norms.shape == (8, 8)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
def test_batch_influence_is_each_sequences_own(tiny_vocab, cell, head):
    model = make_model(cell, head, tiny_vocab)
    ids = random_sequences(len(tiny_vocab), 6, 4, seed=3)  # (4, 6)
    batch = influence_batch(model, ids)
    for row, seq in zip(batch, ids):
        np.testing.assert_allclose(row.numpy(), word_influence(model, seq.tolist()), rtol=1e-5, atol=1e-8)


def test_random_sequences_are_seeded_real_words():
    a, b = random_sequences(50, 7, 8, seed=1), random_sequences(50, 7, 8, seed=1)
    assert torch.equal(a, b) and a.shape == (8, 7)
    assert a.min() >= 2 and a.max() < 50  # never <pad> or <unk>
    assert not torch.equal(a, random_sequences(50, 7, 8, seed=2))


@pytest.mark.parametrize("cell", CELLS)
def test_decay_curves_average_each_distance_from_the_end(tiny_vocab, cell):
    model = make_model(cell, "sigmoid", tiny_vocab)
    d = decay_curves(model, lengths=(3, 6), samples=5, seed=0)
    for n in (3, 6):
        ids = random_sequences(len(tiny_vocab), n, 5, seed=0)
        per_seq = np.stack([word_influence(model, s.tolist()) for s in ids])  # (5, N) by position
        np.testing.assert_allclose(d.curves[n], per_seq.mean(axis=0)[::-1], rtol=1e-5)
        assert d.first_last_ratio(n) == pytest.approx(per_seq[:, 0].mean() / per_seq[:, -1].mean(), rel=1e-5)
    assert d.cell == cell and d.samples == 5


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
def test_first_word_experiment_against_autograd(float64, tiny_vocab, cell, head):
    """Each length's share, by autograd on the model's own forward: the gradient of the class predicted after N words
    with respect to the first word's column, over the same class's gradient when the first word is the whole review.
    Lengths unsorted, repeated and of one word (answers read after the same word share a step of the backward pass)."""
    model = model64(cell, tiny_vocab, head)
    lengths = (6, 1, 3, 3)
    e = first_word_experiment(model, first_id=4, lengths=lengths, samples=4, seed=0)
    assert e.fillers.shape == (4, 5) and list(e.left) == [6, 1, 3]  # one entry per length

    def first_word_grad(ids: list[int], target: int | None) -> tuple[torch.Tensor, int]:
        with torch.enable_grad():
            cols = model.input_columns(torch.tensor([ids])).detach().requires_grad_(True)
            state = tuple(s.double() for s in model.initial_state(1))
            for t in range(len(ids)):
                state = model.step(cols[:, t], state)
            logits = (state[0] @ model.W_hy.t() + model.b_y)[0]  # (C,) the answer after the last word
            target = int(logits.argmax()) if target is None else target
            (grad,) = torch.autograd.grad(logits[target], cols)
        return grad[0, 0], target

    for n in lengths:
        shares = []
        for f in e.fillers:
            at_end, target = first_word_grad([4, *f[: n - 1].tolist()], None)
            alone, _ = first_word_grad([4], target)
            shares.append(float(at_end.norm() / alone.norm()))
        assert e.left[n] == pytest.approx(np.mean(shares), rel=1e-9)
    with pytest.raises(ValueError, match="at least 1 word"):
        first_word_experiment(model, first_id=4, lengths=(3, 0), samples=2)


def test_largest_singular_value(tiny_vocab):
    model = make_model("gru", "sigmoid", tiny_vocab)
    assert largest_singular_value(model) == pytest.approx(float(np.linalg.svd(model.W_hh.detach().numpy())[1][0]), rel=1e-5)


@pytest.mark.parametrize("cell", CELLS)
def test_review_gradients_from_a_trace_and_influence_at_hand_are_the_same(tiny_vocab, cell):
    model = make_model(cell, "sigmoid", tiny_vocab)
    text = " ".join(tiny_vocab.itos[i] for i in IDS)
    fresh = review_gradients(model, text, window=4)
    reused = review_gradients(model, text, window=4, tr=trace(model, text), influence=review_influence(model, text))
    np.testing.assert_array_equal(reused.influence, fresh.influence)
    np.testing.assert_array_equal(reused.state_norms, fresh.state_norms)
    assert reused.numbers == fresh.numbers == step_numbers(model, text, tr=trace(model, text))


@pytest.mark.parametrize("cell", CELLS)
def test_a_trace_gives_the_same_influence_and_jacobians_as_a_forward_pass(float64, tiny_vocab, cell):
    """The page reads gradients from the review's trace (backprop.steps_from_trace) instead of a second forward pass."""
    model = model64(cell, tiny_vocab, "softmax")
    text = " ".join(tiny_vocab.itos[i] for i in IDS)
    tr = trace(model, text)
    np.testing.assert_allclose(review_influence(model, text, tr=tr), word_influence(model, IDS), rtol=1e-12, atol=0)
    torch.testing.assert_close(step_jacobians(model, IDS, tr=tr), step_jacobians(model, IDS), rtol=1e-12, atol=0)


@pytest.mark.parametrize("cell", CELLS)
def test_answers_read_after_different_words_in_one_backward_pass(float64, tiny_vocab, cell):
    """input_grads with answers read after several words: each row is its own answer's gradient, as autograd gives it,
    and an answer has rows only at the words it has read (the latest answer first)."""
    from rnn_core.explain.backprop import answer_adjoint, forward_steps, input_grads

    model = model64(cell, tiny_vocab, "softmax")
    ids = random_sequences(len(tiny_vocab), 6, 3, seed=5)  # (3, 6)
    steps = forward_steps(model, model.input_columns(ids))
    ends, classes = (1, 3, 5), torch.tensor([[0, 1, 2], [2, 2, 0], [1, 0, 1]])  # (L, B) a class per answer
    rows = answer_adjoint(model, classes)  # (L, B, H)
    got = input_grads(model, steps, {end: rows[k : k + 1] for k, end in enumerate(ends)})  # d_t: (K_t, B, G*H)
    assert [len(d) for d in got] == [3, 3, 2, 2, 1, 1]
    with torch.enable_grad():
        cols = model.input_columns(ids).detach().requires_grad_(True)
        state, hs = tuple(s.double() for s in model.initial_state(3)), []
        for t in range(6):
            state = model.step(cols[:, t], state)
            hs.append(state[0])
        logits = torch.stack(hs, dim=1) @ model.W_hy.t() + model.b_y  # (B, T, C)
        for k, end in enumerate(ends):
            (ref,) = torch.autograd.grad(logits[torch.arange(3), end, classes[k]].sum(), cols, retain_graph=True)
            for t in range(end + 1):
                torch.testing.assert_close(got[t][len(ends) - 1 - k], ref[:, t], rtol=1e-9, atol=1e-12)
