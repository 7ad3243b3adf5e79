"""The one-step numbers and figures, recomputed from the weights in float64 (tolerance 1e-6)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from rnn_core import load_model, tokenize, trace
from rnn_core.explain.one_neuron import column_names, input_weight_extremes, strongest_unit, unit_steps
from rnn_core.figures.one_neuron import DIGITS, LABEL_DIGITS, activation_figure, network_figure, step_equations
from rnn_core.figures.style import ACCENT
from rnn_core.lesson import ONE_STEP_MODELS as MODELS
from rnn_core.model.checkpoint import MODELS_DIR

from .conftest import make_model

TOL = 1e-6  # recomputation in float64 against the model's float32
SHOWN = TOL + 0.5 * 10**-DIGITS  # a number printed with DIGITS decimals
LABEL = TOL + 0.5 * 10**-LABEL_DIGITS  # a diagram label
TEXT = "the movie 's not good zorblax but great ."
NUMBER = re.compile(r"[-+]?\d+\.\d+")


def recompute(model, text: str) -> list[dict]:
    """Every step of h_t = tanh(W_x x_t + W_hh h_{t-1} + b_h), y_t = sigmoid(W_hy h_t + b_y) in float64, from the weights."""
    W_x, W_hh, b_h, W_hy, b_y = (p.detach().double() for p in (model.W_x, model.W_hh, model.b_h, model.W_hy, model.b_y))
    h = torch.zeros(model.config.hidden_size, dtype=torch.float64)
    steps = []
    for i in model.vocab.encode(tokenize(text)):
        x = torch.as_tensor(model.vocab.one_hot(i), dtype=torch.float64)  # (V,) the one-hot input, multiplied out
        rec = W_hh @ h  # (H,)
        pre = W_x @ x + rec + b_h  # (H,)
        h_prev, h = h, torch.tanh(pre)
        out = W_hy[0] @ h
        logit = out + b_y[0]
        steps.append(
            {"i": i, "w_x": W_x[:, i], "h_prev": h_prev, "rec": rec, "pre": pre, "h": h, "out": out, "logit": logit,
             "y": torch.sigmoid(logit), "w_hh": W_hh.diagonal(), "b_h": b_h, "w_hy": W_hy[0], "b_y": b_y[0]}
        )  # fmt: skip
    return steps


def expected_equations(r: dict, j: int, single: bool, last: bool) -> dict[str, list[float]]:
    """The numbers each LaTeX equation must show, in order."""

    def f(v: torch.Tensor) -> float:
        return float(v[j]) if v.ndim else float(v)

    passed = [f(r["y"])] if last else [f(r["h"])]
    if single:
        return {
            "sum": [f(r["w_x"]), f(r["w_hh"]), f(r["h_prev"]), f(r["b_h"]), f(r["pre"])],
            "h": [f(r["pre"]), f(r["h"])],
            "y": [f(r["w_hy"]), f(r["h"]), f(r["b_y"]), f(r["logit"]), f(r["y"])],
            "pass": passed,
        }
    return {
        "sum": [f(r["w_x"]), f(r["rec"]), f(r["b_h"]), f(r["pre"])],
        "h": [f(r["pre"]), f(r["h"])],
        "y": [f(r["out"]), f(r["b_y"]), f(r["logit"]), f(r["y"])],
        "share": [f(r["w_hy"]), f(r["h"]), f(r["w_hy"]) * f(r["h"])],
        "pass": passed,
    }


def check_latex(latex: dict[str, str], expected: dict[str, list[float]]) -> None:
    assert set(latex) == set(expected)
    for key, values in expected.items():
        shown = [float(v) for v in NUMBER.findall(latex[key])]
        assert shown == pytest.approx(values, abs=SHOWN), key


@pytest.mark.parametrize("hidden_size", [1, 5])
def test_unit_steps_equal_the_weights(tiny_vocab, hidden_size):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=hidden_size)
    tr = trace(model, TEXT)
    ref = recompute(model, TEXT)
    assert 1 in tr.ids  # 'zorblax' is read as <unk>
    for j in range(hidden_size):
        s = unit_steps(model, tr, j)
        for name, got in [("w_x", s.w_x), ("h_prev", s.h_prev), ("rec", s.recurrent), ("pre", s.preact), ("h", s.h)]:
            np.testing.assert_allclose(got, [float(r[name][j]) for r in ref], atol=TOL, err_msg=name)
        for name, got in [("out", s.out_sum), ("logit", s.logit), ("y", s.y)]:
            np.testing.assert_allclose(got, [float(r[name]) for r in ref], atol=TOL, err_msg=name)
        np.testing.assert_allclose(s.unit_out, [float(r["w_hy"][j] * r["h"][j]) for r in ref], atol=TOL)
        W_hh = model.W_hh.detach().double()
        others = [float(W_hh[j] @ r["h_prev"] - W_hh[j, j] * r["h_prev"][j]) for r in ref]
        np.testing.assert_allclose(s.others, others, atol=TOL)
        assert s.w_hh == pytest.approx(float(W_hh[j, j]), abs=TOL)
        assert s.b_h == pytest.approx(float(model.b_h.detach()[j]), abs=TOL)
        assert s.w_hy == pytest.approx(float(model.W_hy.detach()[0, j]), abs=TOL)
        assert s.b_y == pytest.approx(float(model.b_y.detach()[0]), abs=TOL)
        assert s.single == (hidden_size == 1)


def test_one_neuron_recurrent_term_is_w_hh_times_h_prev(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=1)
    s = unit_steps(model, trace(model, TEXT))
    np.testing.assert_allclose(s.recurrent, s.w_hh * s.h_prev, atol=TOL)
    np.testing.assert_allclose(s.others, 0.0, atol=TOL)
    assert s.h_prev[0] == 0.0


@pytest.mark.parametrize("hidden_size", [1, 4])
def test_rows_are_labelled_per_unit_or_for_all_units(tiny_vocab, hidden_size):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=hidden_size)
    j = hidden_size - 1
    s = unit_steps(model, trace(model, TEXT), j)
    rows, ref = s.rows(), recompute(model, TEXT)
    assert list(rows[0]) == column_names(j, hidden_size)
    assert [r["word"] for r in rows] == tokenize(TEXT)
    assert [r["i"] for r in rows] == [r["i"] for r in ref]
    if hidden_size > 1:
        names = list(rows[0])
        assert all(f"[{j}" in n for n in names[3:8])  # per-unit columns name the unit
        assert names[8] == "W_hy·h_t" and names[-1] == "y_t"
    for row, r in zip(rows, ref):
        values = list(row.values())
        assert values[6] == pytest.approx(float(r["pre"][j]), abs=TOL)
        assert values[7] == pytest.approx(float(r["h"][j]), abs=TOL)
        assert values[8] == pytest.approx(float(r["out"]), abs=TOL)
        assert values[-1] == pytest.approx(float(r["y"]), abs=TOL)


def test_only_plain_rnn_with_one_sigmoid_and_a_real_unit(tiny_vocab):
    for cell, head in [("lstm", "sigmoid"), ("gru", "sigmoid"), ("rnn", "softmax"), ("rnn", "sigmoid3")]:
        model = make_model(cell, head, tiny_vocab)
        with pytest.raises(ValueError, match="plain RNN"):
            unit_steps(model, trace(model, TEXT))
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=3)
    with pytest.raises(IndexError):
        unit_steps(model, trace(model, TEXT), 3)


def test_extreme_input_weights_and_strongest_unit(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=4)
    for j in range(4):
        w = model.W_x.detach().double()[j].numpy()
        ranked = [i for i in np.argsort(-w) if i != 0]  # <pad> (index 0) is never read
        up, down = input_weight_extremes(model, j, k=3)
        assert [u["index"] for u in up] == ranked[:3]
        assert [d["index"] for d in down] == ranked[::-1][:3]
        for entry in up + down:
            assert entry["word"] == tiny_vocab.itos[entry["index"]]
            assert entry["weight"] == pytest.approx(w[entry["index"]], abs=TOL)
    assert strongest_unit(model) == int(np.argmax(np.abs(model.W_hy.detach().numpy()[0])))


@pytest.mark.parametrize("hidden_size", [1, 5])
def test_equations_show_the_recomputed_numbers_and_no_user_text(tiny_vocab, hidden_size):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=hidden_size)
    text = "good zorblax $\\alpha$ bad"
    tr, ref = trace(model, text), recompute(model, text)
    j = hidden_size // 2
    s = unit_steps(model, tr, j)
    for t, r in enumerate(ref):
        latex = step_equations(s, t)
        check_latex(latex, expected_equations(r, j, hidden_size == 1, t == len(ref) - 1))
        assert f"[{j},{r['i']}]" in latex["sum"] or f"w_{{{r['i']}}}" in latex["sum"]  # names the input i
        for body in latex.values():
            assert "zorblax" not in body and "alpha" not in body and "$" not in body


def annotations(fig) -> dict:
    return {a.name: a for a in fig.layout.annotations if a.name}


def last_number(text: str) -> float:
    return float(NUMBER.findall(text)[-1])


@pytest.mark.parametrize("hidden_size", [1, 5])
def test_network_figure_labels_every_weight_with_its_value(tiny_vocab, hidden_size):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=hidden_size)
    j = 1 if hidden_size > 1 else 0
    tr, ref = trace(model, TEXT), recompute(model, TEXT)
    s = unit_steps(model, tr, j)
    V = len(tiny_vocab)
    for t in (0, 5, len(ref) - 1):  # includes the <unk> word and the last word
        r = ref[t]
        fig = network_figure(s, t, vocab_size=V)
        notes = annotations(fig)
        want = {"w_i": r["w_x"][j], "w_hh": r["w_hh"][j], "b_h": r["b_h"][j], "w_hy": r["w_hy"][j], "b_y": r["b_y"]}
        want |= {"h_t": r["h"][j], "y_t": r["y"]}
        if hidden_size > 1:
            W_hh = model.W_hh.detach().double()
            want["others"] = W_hh[j] @ r["h_prev"] - W_hh[j, j] * r["h_prev"][j]
            want["others_y"] = r["out"] - r["w_hy"][j] * r["h"][j]
        else:
            assert "others" not in notes and "others_y" not in notes
        for name, value in want.items():
            assert last_number(notes[name].hovertext) == pytest.approx(float(value), abs=SHOWN), name
            assert last_number(notes[name].text) == pytest.approx(float(value), abs=LABEL), name
        traces = {d.name: d for d in fig.data}
        assert list(traces["hidden"].customdata[0]) == pytest.approx([float(r["pre"][j]), float(r["h"][j])], abs=TOL)
        assert list(traces["output"].customdata[0]) == pytest.approx([float(r["logit"]), float(r["y"])], abs=TOL)
        inputs = traces["inputs"]
        lit = [k for k, c in zip(inputs.customdata, inputs.marker.color) if c == ACCENT]
        assert lit == [r["i"]]  # only the current word's input is lit
        assert {0, 1, V - 1} <= set(inputs.customdata)
        assert f"x[{r['i']}] = 1" in inputs.text
        assert ("last word" in notes["next"].text) == (t == len(ref) - 1)
        assert fig.layout.xaxis.range == (-1.3, 5.6) and fig.layout.yaxis.range == (-0.3, 1.32)


def test_figures_escape_words(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=1)
    tr = trace(model, "<b>good</b> movie")
    s = unit_steps(model, tr)
    spec = activation_figure(s, 0).to_json() + network_figure(s, 0, len(tiny_vocab)).to_json()
    assert "<b>" not in spec and "&lt;unk&gt;" in spec and "&lt;" in spec


def test_activation_figure_marks_the_current_step_on_fixed_scales(tiny_vocab):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=3)
    with torch.no_grad():
        model.W_x.mul_(8.0)  # sums well beyond ±4: the x axis widens to keep every point in view
    tr, ref = trace(model, TEXT), recompute(model, TEXT)
    s = unit_steps(model, tr, 2)
    for t in (0, 4):
        fig = activation_figure(s, t)
        traces = {d.name: d for d in fig.data}
        cur_h, cur_y = traces["current step (tanh)"], traces["current step (sigmoid)"]
        assert [cur_h.x[0], cur_h.y[0]] == pytest.approx([float(ref[t]["pre"][2]), float(ref[t]["h"][2])], abs=TOL)
        assert [cur_y.x[0], cur_y.y[0]] == pytest.approx([float(ref[t]["logit"]), float(ref[t]["y"])], abs=TOL)
        np.testing.assert_allclose(traces["all steps (tanh)"].x, [float(r["pre"][2]) for r in ref], atol=TOL)
        np.testing.assert_allclose(traces["tanh"].y, np.tanh(traces["tanh"].x), atol=1e-12)
        np.testing.assert_allclose(traces["sigmoid"].y, 1 / (1 + np.exp(-np.asarray(traces["sigmoid"].x))), atol=1e-12)
        assert fig.layout.yaxis.range == (-1.05, 1.05) and fig.layout.yaxis2.range == (-0.03, 1.03)
        reach = fig.layout.xaxis.range[1]
        assert reach >= 4 and reach > max(abs(float(r["pre"][2])) for r in ref)
        assert fig.layout.xaxis.title.text == "sum of unit 2" and "all 3 units" in fig.layout.annotations[1].text


@pytest.mark.parametrize("key", ["one", "bigger"])
def test_shipped_models_match_their_weights(key):
    path = MODELS_DIR / f"{MODELS[key]}.pt"
    if not path.is_file():
        pytest.skip(f"{path.name} is not trained yet")
    model = load_model(path)
    assert (model.config.cell, model.config.head) == ("rnn", "sigmoid")
    if key == "one":
        assert model.config.hidden_size == 1
    text = "a gorgeous , witty , seductive movie that never quite zorblaxes ."
    ref = recompute(model, text)
    j = strongest_unit(model)
    s = unit_steps(model, trace(model, text), j)
    for t, r in enumerate(ref):
        check_latex(step_equations(s, t), expected_equations(r, j, s.single, t == len(ref) - 1))
