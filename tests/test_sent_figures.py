"""Finished figures (rnn_core.figures.sent) send exactly what Plotly's own validated figures send."""

from __future__ import annotations

import copy
import json
import pickle

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from rnn_core.figures.sent import SentFigure, finish, typed_arrays
from rnn_core.figures.sequence import answer_state_figure, word_by_word_figure


def sent_json(fig) -> dict:
    """What st.plotly_chart sends: plotly.io.to_json of the figure's to_dict(), unvalidated."""
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def review(seq_len: int, hidden_size: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    tokens = [f"w{i}" for i in range(seq_len - 1)] + ["<b>&"]  # markup is escaped either way
    hidden = np.tanh(rng.normal(size=(seq_len, hidden_size))).astype(np.float32)  # (T, H)
    probs = rng.uniform(size=(seq_len, 1)).astype(np.float32)  # (T, 1)
    return tokens, list(rng.integers(0, 10_000, seq_len)), hidden, probs


@pytest.mark.parametrize("seq_len", [1, 3, 30])
@pytest.mark.parametrize("presenter", [False, True])
def test_network_frames_sent_unvalidated_equal_plotlys_validated_frames(seq_len, presenter):
    tokens, ids, hidden, probs = review(seq_len)
    fig = word_by_word_figure(tokens, ids, hidden, probs, 0.5, presenter, {"review": "x"})
    assert isinstance(fig, SentFigure)
    validated = go.Figure(fig.to_dict()["data"], fig.to_dict()["layout"], frames=list(fig._frames_built))
    assert sent_json(fig) == sent_json(validated)
    assert [f.name for f in fig.frames] == [str(t) for t in range(seq_len)]


def test_a_finished_figure_sends_what_it_sent_before_and_hands_out_copies():
    tokens, ids, hidden, probs = review(12)
    fig = answer_state_figure(tokens, hidden, probs, ("positive",))
    before = sent_json(fig)
    same = finish(fig)
    assert same is fig and isinstance(fig, SentFigure) and finish(fig) is fig
    assert sent_json(fig) == before
    first = fig.to_dict()
    first["layout"] = {}  # a caller's new top-level entry does not reach the shared figure (nested ones would)
    assert sent_json(fig) == before


def test_a_finished_figure_copies_and_pickles_as_itself_and_refuses_new_frames():
    tokens, ids, hidden, probs = review(6)
    fig = word_by_word_figure(tokens, ids, hidden, probs)
    for twin in (copy.deepcopy(fig), pickle.loads(pickle.dumps(fig))):
        assert isinstance(twin, SentFigure) and sent_json(twin) == sent_json(fig)
        assert [f.name for f in twin.frames] == [f.name for f in fig.frames]
    with pytest.raises(TypeError, match="never changed"):
        fig.frames = []
    assert finish("<span>html strip</span>") == "<span>html strip</span>"  # not a figure: as it is


def test_typed_arrays_are_plotlys():
    values = {
        "f4": np.array([0.1, -2.5], dtype=np.float32),
        "f8": np.arange(6, dtype=np.float64).reshape(2, 3),
        "small ints": np.array([1, 2, 3], dtype=np.int64),
        "words": np.array(["a", "b"], dtype=object),
        "empty": np.array([], dtype=np.float64),
        "nested": [{"x": np.array([7, 300], dtype=np.int64)}],
        "unsigned": np.array([1, 70_000], dtype=np.uint64),
        "range": np.array([0.0, 1.0]),  # Plotly keeps ranges (and layers, geojson) as lists
    }
    fig = go.Figure(go.Scatter(x=values["f8"].ravel(), y=values["f8"].ravel()))
    ours = typed_arrays(values)
    assert ours["f4"]["dtype"] == "f4" and ours["f8"]["shape"] == "2, 3" and ours["small ints"]["dtype"] == "i1"
    assert ours["nested"][0]["x"]["dtype"] == "i2" and ours["words"] == ["a", "b"] and ours["empty"] == []
    assert ours["unsigned"]["dtype"] == "u4" and ours["range"] == [0.0, 1.0]
    plotly = fig.to_dict()["data"][0]["x"]  # Plotly's own encoding of the same kind of array
    assert typed_arrays(values["f8"].ravel()) == plotly
