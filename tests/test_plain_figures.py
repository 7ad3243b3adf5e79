"""Figures written as plain dictionaries (rnn_core.figures.plain) are what Plotly itself would send for them.

Plain figures skip Plotly's validation when they are built; here each builder's output is validated by Plotly (a
misspelt or misplaced property raises) and must send exactly the JSON of the validated figure.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from rnn_core.explain.one_neuron import unit_steps
from rnn_core.explain.output_heads import what_if
from rnn_core.explain.trace import trace
from rnn_core.figures import plain
from rnn_core.figures.gradients import first_word_figure, influence_heatmap, state_triangle
from rnn_core.figures.heads import sigmoid_band_figure, softmax_steps_figure, sum_histogram, three_sigmoids_figure
from rnn_core.figures.one_neuron import activation_figure, network_figure
from rnn_core.figures.sent import finish
from rnn_core.figures.sequence import answer_state_figure
from rnn_core.figures.style import readable_axes
from tests.conftest import make_model

RNG = np.random.default_rng(0)
TOKENS = [f"w{i}" for i in range(29)] + ["<b>&"]
TRIANGLE = np.tril(RNG.uniform(1e-7, 2, (30, 30))) + np.triu(np.full((30, 30), np.nan), 1)
BUILDERS = {
    "sigmoid band": lambda p: sigmoid_band_figure(0.2597, (0.6, 0.35), presenter=p),
    "three sigmoids": lambda p: three_sigmoids_figure(what_if(-2.2, -1.4, 1.7), presenter=p),
    "softmax steps": lambda p: softmax_steps_figure(what_if(0.6, -0.3, 1.9), presenter=p),
    "softmax steps, fixed range": lambda p: softmax_steps_figure(what_if(0.6, -0.3, 1.9), presenter=p, z_range=(-6, 6)),
    "sum histogram": lambda p: sum_histogram(RNG.uniform(0.6, 1.5, 500), "a <i>text</i>", 1.31, presenter=p),
    "sum histogram, low": lambda p: sum_histogram(RNG.uniform(0.6, 1.5, 500), "word", 0.9, presenter=p),
    "influence heatmap": lambda p: influence_heatmap(TOKENS, {"RNN": RNG.uniform(1e-9, 1, 30), "GRU": RNG.uniform(0, 1, 30)}, p),
    "state triangle": lambda p: state_triangle(TOKENS, TRIANGLE, "LSTM", first=12, presenter=p),
    "answer and state": lambda p: answer_state_figure(
        TOKENS, np.tanh(RNG.normal(size=(30, 8))), RNG.uniform(size=(30, 1)), ("positive",), p, {"review": "x"}
    ),
    "answer and state, 3 classes": lambda p: answer_state_figure(
        TOKENS[:3], np.tanh(RNG.normal(size=(3, 8))), RNG.uniform(size=(3, 3)), ("negative", "neutral", "positive"), p
    ),
    "first word": lambda p: first_word_figure({"RNN": {3: 1.06, 50: 0.13}, "LSTM": {3: 0.96, 50: 0.28}}, "<i>x", p),
}


def sent(fig) -> dict:
    """What st.plotly_chart sends for a figure."""
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_plain_figure_sends_what_plotlys_validated_figure_sends(name, presenter):
    fig = BUILDERS[name](presenter)
    validated = go.Figure([t.to_plotly_json() for t in fig.data], fig.layout.to_plotly_json())  # raises on a bad property
    assert sent(fig) == sent(validated)
    assert sent(finish(fig)) == sent(validated)


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("hidden_size", [1, 5])
def test_inside_one_step_figures_send_what_plotly_sends(tiny_vocab, hidden_size, presenter):
    model = make_model("rnn", "sigmoid", tiny_vocab, hidden_size=hidden_size)
    steps = unit_steps(model, trace(model, "good <b> movie"), hidden_size - 1)
    for fig in (network_figure(steps, 1, len(tiny_vocab), presenter), activation_figure(steps, 2, presenter)):
        validated = go.Figure([t.to_plotly_json() for t in fig.data], fig.layout.to_plotly_json())
        assert sent(fig) == sent(validated)


def test_subplot_layout_is_make_subplots_layout():
    titles = ("one", "two <br> lines")
    fig = make_subplots(rows=1, cols=2, column_widths=[0.7, 0.3], horizontal_spacing=0.1, subplot_titles=titles)
    layout = plain.subplot_layout(titles, column_widths=(0.7, 0.3), horizontal_spacing=0.1)
    assert sent(plain.plain_figure([], layout)) == sent(fig)
    layout["annotations"][0]["text"] = "changed"  # a copy: the cached grid keeps its placeholders
    assert plain.subplot_layout(titles, column_widths=(0.7, 0.3), horizontal_spacing=0.1)["annotations"][0]["text"] == "one"


@pytest.mark.parametrize("presenter", [False, True])
def test_readable_axes_on_a_layout_equals_the_figure_helper(presenter):
    fig = make_subplots(rows=1, cols=3)
    layout = readable_axes(fig, presenter).to_dict()["layout"]
    mine = plain.readable_layout(make_subplots(rows=1, cols=3).to_dict()["layout"], presenter)
    assert mine == layout
    assert plain.readable_layout({}, presenter).keys() == {"xaxis", "yaxis", "legend"}
    set_size = {"legend": {"font": {"size": 9}}}  # a legend size the figure chose is kept, by both helpers
    assert plain.readable_layout(dict(set_size), presenter)["legend"] == set_size["legend"]
    assert readable_axes(go.Figure(layout=set_size), presenter).layout.legend.font.size == 9


def test_lines_and_bands_are_those_plotly_adds():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.add_vline(x=0.5, line={"dash": "dot"})
    fig.add_hline(y=0.2, line={"width": 2})
    fig.add_vrect(x0=0.1, x1=0.3, fillcolor="red", opacity=0.2)
    shapes = [
        plain.vline(0.5, {"dash": "dot"}),
        plain.hline(0.2, {"width": 2}),
        plain.vrect(0.1, 0.3, fillcolor="red", opacity=0.2),
    ]
    assert sent(fig)["layout"]["shapes"] == json.loads(json.dumps(shapes))


@pytest.mark.parametrize("classes", [("positive",), ("negative", "neutral", "positive")])
@pytest.mark.parametrize("zoom", [False, True])
def test_state_map_with_its_frames_sends_what_plotly_sends(classes, zoom):
    from tests.test_viz_atlas import two_paths

    fig = two_paths(classes, zoom=zoom, presenter=zoom)
    sent_dict = fig.to_dict()
    validated = go.Figure(sent_dict["data"], sent_dict["layout"], frames=list(fig._frames_built))  # raises on a bad property
    assert sent(fig) == sent(validated)


@pytest.mark.parametrize("presenter", [False, True])
def test_the_home_pairs_legend_writes_the_texts_as_people_do_and_stays_under_the_bars(presenter):
    from rnn_core.figures.verdicts import pair_figure

    probs = np.array([[0.2, 0.26], [0.18, 0.53]])
    verdicts = [("negative", "negative"), ("negative", "positive")]
    fig = pair_figure(["RNN", "LSTM"], probs, verdicts, ("not good , bad", "good , not bad"), ("negative", "positive"), presenter)
    assert [t.name for t in fig.data] == ["“not good, bad” (a reader: negative)", "“good, not bad” (a reader: positive)"]
    assert "on “good, not bad”" in fig.data[1].hovertemplate
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"  # below the plot, clear of the tool icons
    colorbar = influence_heatmap(["a", "b"], {"RNN": np.array([1.0, 0.1])}, presenter).data[0].colorbar
    assert colorbar.title.text == "relative<br>influence"  # a word a line: no longer than the bar on a short chart
