"""Output heads: every step against torch.softmax / torch.sigmoid, and the figures built from them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_core.explain.output_heads import (
    WHATIF_RANGE,
    band_class,
    compare_heads,
    head_numbers,
    what_if,
    whatif_preset,
)
from rnn_core.figures.heads import (
    sigmoid3_latex,
    sigmoid_band_figure,
    sigmoid_latex,
    softmax_latex,
    softmax_steps_figure,
    three_sigmoids_figure,
)
from rnn_core.figures.style import CLASS_COLORS, class_label
from rnn_core.lesson import HEAD_MODELS
from rnn_core.model.network import probs_from_logits
from rnn_core.text.tokenizer import tokenize
from tests.conftest import make_model

LABELS = [class_label(c) for c in ("negative", "neutral", "positive")]


@pytest.mark.parametrize("seed", range(5))
def test_softmax_steps_match_torch(seed):
    z = torch.randn(3, generator=torch.Generator().manual_seed(seed)) * 3  # (3,)
    n = head_numbers(z.numpy(), "softmax")
    assert abs(n.softmax.sum() - 1) < 1e-6
    np.testing.assert_allclose(n.softmax, torch.softmax(z, dim=-1).numpy(), atol=1e-6)
    np.testing.assert_allclose(n.probs, n.softmax, atol=1e-12)  # the model's output is the step-by-step result
    np.testing.assert_allclose(n.sigmoid, torch.sigmoid(z).numpy(), atol=1e-6)
    np.testing.assert_allclose(n.exp, torch.exp(z).numpy(), rtol=1e-6)
    assert n.exp_total == pytest.approx(float(torch.exp(z).sum()), rel=1e-6)


def test_sigmoid_heads_output_sigmoids_that_need_not_sum_to_one():
    n = head_numbers([2.0, 1.0, 0.5], "sigmoid3")
    np.testing.assert_allclose(n.probs, torch.sigmoid(torch.tensor([2.0, 1.0, 0.5])).numpy(), atol=1e-7)
    assert n.sigmoid_total == pytest.approx(float(torch.sigmoid(torch.tensor([2.0, 1.0, 0.5])).sum()))
    assert n.sigmoid_total > 1.5
    one = head_numbers([-1.047], "sigmoid")
    assert one.classes == ("positive",)
    assert one.probs[0] == pytest.approx(1 / (1 + np.exp(1.047)))
    assert one.top_class == "negative"


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_compare_heads_equals_each_models_forward_pass(tiny_vocab, cell):
    models = {head: make_model(cell, head, tiny_vocab, seed=i) for i, head in enumerate(HEAD_MODELS)}
    text = "not a good movie , it 's boring"
    numbers = compare_heads(models, text)
    ids = torch.tensor([tiny_vocab.encode(tokenize(text))])  # (1, T)
    for head, model in models.items():
        logits = model(ids)[0, -1].detach()  # (C,)
        n = numbers[head]
        np.testing.assert_allclose(n.logits, logits.numpy(), atol=1e-6)
        np.testing.assert_allclose(n.probs, probs_from_logits(logits, head).numpy(), atol=1e-6)
        np.testing.assert_allclose(n.sigmoid, torch.sigmoid(logits).numpy(), atol=1e-6)
        if head == "softmax":
            np.testing.assert_allclose(n.softmax, torch.softmax(logits, dim=-1).numpy(), atol=1e-6)
            assert abs(n.softmax.sum() - 1) < 1e-6


def test_shifting_all_sums_leaves_softmax_but_moves_sigmoids():
    before = what_if(0.5, -1.0, 2.0)
    after = what_if(*whatif_preset("shift", (0.5, -1.0, 2.0)))
    np.testing.assert_allclose(after.logits, before.logits + 1)
    np.testing.assert_allclose(after.softmax, before.softmax, atol=1e-9)
    assert np.all(after.sigmoid > before.sigmoid)
    equal = what_if(*whatif_preset("equal", (0, 0, 0)))
    np.testing.assert_allclose(equal.softmax, [1 / 3] * 3, atol=1e-9)
    big = what_if(*whatif_preset("one_larger", (0, 0, 0)))
    assert big.top_class == "positive" and big.softmax[2] > 0.9
    assert whatif_preset("shift", (WHATIF_RANGE[1], 0, 0))[0] == WHATIF_RANGE[1]  # kept on the slider
    with pytest.raises(ValueError):
        whatif_preset("nonsense", (0, 0, 0))


def test_band_class():
    assert band_class(0.3, 0.4, 0.6) == "negative"
    assert band_class(0.3, 0.2, 0.6) == "neutral"
    assert band_class(0.65, 0.4, 0.6) == "positive"
    assert band_class(0.4, 0.4, 0.6) == "neutral"  # edges belong to the band


def test_sigmoid_band_figure():
    fig = sigmoid_band_figure(0.2597, (0.6, 0.35))
    bar = fig.data[0]
    assert list(bar.x) == [0.2597] and bar.text[0] == "0.26" and "0.2597" in bar.customdata[0]
    assert list(fig.layout.xaxis.range) == [0, 1]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(0.0, 0.35), (0.35, 0.6), (0.6, 1.0)]
    assert [r.fillcolor for r in rects] == [CLASS_COLORS[c] for c in ("negative", "neutral", "positive")]


def test_three_sigmoids_figure():
    n = head_numbers([-2.2, -1.4, 1.7], "sigmoid3")
    fig = three_sigmoids_figure(n)
    bars = fig.data[0]
    assert list(bars.x) == LABELS
    np.testing.assert_allclose(bars.y, torch.sigmoid(torch.tensor([-2.2, -1.4, 1.7], dtype=torch.float64)).numpy())
    assert list(bars.text) == [f"{v:.2f}" for v in n.sigmoid]
    assert list(bars.marker.color) == [CLASS_COLORS[c] for c in n.classes]
    stacked = fig.data[1:]
    assert [t.x[0] for t in stacked] == ["sum"] * 3
    assert sum(t.y[0] for t in stacked) == pytest.approx(n.sigmoid_total)
    assert fig.layout.barmode == "stack"
    assert f"{n.sigmoid_total:.2f}" in fig.layout.annotations[1].text
    assert any(s.type == "line" and s.y0 == 1 for s in fig.layout.shapes)
    assert list(fig.layout.yaxis.range) == [0, 1.12]
    assert fig.layout.yaxis2.range[1] >= max(1.25, 1.15 * n.sigmoid_total)  # room above both the stack and the line at 1
    assert not [a for a in fig.layout.annotations if a.text and "stops" in a.text]  # nothing drawn over the stack


def test_softmax_steps_figure():
    z = np.array([0.633, 0.516, -1.401])
    n = head_numbers(z, "softmax")
    fig = softmax_steps_figure(n)
    logits, exps, soft, sig = fig.data
    np.testing.assert_allclose(logits.y, z)
    np.testing.assert_allclose(exps.y, list(np.exp(z)) + [np.exp(z).sum()])
    assert list(exps.x) == LABELS + ["total"]
    np.testing.assert_allclose(soft.y, torch.softmax(torch.tensor(z), dim=-1).numpy(), atol=1e-12)
    assert sum(soft.y) == pytest.approx(1, abs=1e-6)
    np.testing.assert_allclose(sig.y, torch.sigmoid(torch.tensor(z)).numpy(), atol=1e-12)
    assert list(soft.text) == [f"{v:.2f}" for v in n.softmax]
    assert soft.customdata[0].endswith(f"{n.softmax[0]:.6g}")
    for k in (3, 4):
        assert list(fig.layout[f"yaxis{k}"].range) == [0, 1.12]
    assert "softmax" in fig.layout.annotations[2].text and "sum 1.00" in fig.layout.annotations[2].text
    assert f"sum {n.sigmoid_total:.2f}" in fig.layout.annotations[3].text
    fixed = softmax_steps_figure(n, z_range=WHATIF_RANGE)
    assert list(fixed.layout.yaxis.range) == list(WHATIF_RANGE)


def test_latex_holds_the_real_numbers():
    n = head_numbers([0.633, 0.516, -1.401], "softmax")
    text = softmax_latex(n)
    assert "e^{0.633}" in text and f"{n.exp_total:.3f}" in text and f"{n.softmax[0]:.3f}" in text
    assert sigmoid_latex(-1.047, 0.26).endswith("0.260") and "e^{1.047}" in sigmoid_latex(-1.047, 0.26)
    s3 = head_numbers([-2.2, -1.4, 1.7], "sigmoid3")
    assert sigmoid3_latex(s3).endswith(f"{s3.sigmoid_total:.3f}")
