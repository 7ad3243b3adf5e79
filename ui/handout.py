"""The handout: one self-contained HTML file for the current review and model, built when its button is clicked.

The sidebar's button (handout_button.py) imports nothing of this module: it is imported on the first click, in
Streamlit's deferred download on another thread, so no page pays for it (the first page runs without torch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rnn_core import ModelFileError, SentimentRNN, Trace, load_model, trace
from rnn_core.explain.claims import pair_lesson, pair_verdicts
from rnn_core.explain.export import file_stem
from rnn_core.explain.gradients import MATRIX_WINDOW, review_influence, state_matrix, step_jacobians
from rnn_core.explain.one_neuron import unit_steps
from rnn_core.explain.output_heads import DEFAULT_BAND, from_trace
from rnn_core.explain.step_detail import step_detail
from rnn_core.figures import handout as doc
from rnn_core.figures.gradients import influence_heatmap, state_triangle
from rnn_core.figures.heads import sigmoid_band_figure, softmax_steps_figure, three_sigmoids_figure
from rnn_core.figures.one_neuron import activation_figure, network_figure
from rnn_core.figures.sequence import answer_state_figure, token_deltas, word_by_word_figure
from rnn_core.figures.verdicts import pair_figure
from rnn_core.lesson import CELL_MODELS, HEAD_MODELS, ONE_STEP_MODELS, ORDER_PAIR, ORDER_PAIR_READER
from rnn_core.model.cards import CELL_NAMES, card_line
from rnn_core.model.files import resolve_model_path

# How to read each chart, as the pages say it (shorter: the handout has no controls to explain).
NETWORK = (
    "1: one copy of the same cell per word, h handed to the right; colour = how the word moved P(positive). 2: the "
    "current word's one-hot vector: 10,000 cells, a single 1 at its index. Press Play to step through the words."
)
ANSWERS = (
    "3: the answer if the review ended at that word; dotted line = 0.5. 4: each column is h after that word, one row "
    "per hidden unit (fixed scale -1..1)."
)
ONE_STEP = "Only the current word's input is 1, so only its weight reaches the hidden neuron; the loop carries h on."
CURVES = "Left: tanh turns the sum into h_t. Right: sigmoid turns the output sum into P(positive). Large dot: the last word."
INFLUENCE = (
    "Colour: the size of the gradient of the final answer with respect to each word's input, divided by the row's "
    "largest, on a log scale (yellow = 1, dark = a millionth or less)."
)
STATE_MATRIX = "Row s, column t: how much the hidden state after word s still changes when the state after word t is nudged."
PAIR = "P(positive) after the last word of each text; the bar's colour is the model's verdict, ✓ where a reader agrees."


@dataclass(frozen=True)
class HandoutInputs:
    """What the handout reads: the review, the sidebar's model, and each page's fixed models that load."""

    text: str
    model_name: str
    model: SentimentRNN
    cells: dict[str, SentimentRNN]  # Vanishing gradients and the home page: "RNN", "LSTM", "GRU"
    heads: dict[str, SentimentRNN]  # Sigmoid vs softmax: "sigmoid", "sigmoid3", "softmax"
    one_neuron: SentimentRNN | None  # Inside one step


def build_handout(text: str, model_name: str, own: SentimentRNN | None, folder: str) -> str:
    """The handout's HTML, built on the click (on Streamlit's download thread): the sidebar's model (``own`` if this
    tab trained it, else loaded from ``folder``) and each page's fixed models that load, read here without the
    pages' caches. A model that cannot be loaded gives a short page that says why."""
    try:
        model = own if own is not None else load_model(resolve_model_path(model_name, Path(folder)))
    except ModelFileError as err:
        return doc.document("RNN Lens handout", text, [doc.text(f"The handout could not be built: {err}")], [])
    cells, heads, one_neuron = _fixed_models(Path(folder))
    return handout_html(HandoutInputs(text, model_name, model, cells, heads, one_neuron))


def _fixed_models(folder: Path) -> tuple[dict[str, SentimentRNN], dict[str, SentimentRNN], SentimentRNN | None]:
    """The fixed models of the pages the handout covers, those that load and are of the kind their page needs."""

    def fitting(name: str, cell: str | None = None, head: str | None = None) -> SentimentRNN | None:
        try:
            model = load_model(resolve_model_path(name, folder))
        except ModelFileError:
            return None
        wrong = (cell and model.config.cell != cell) or (head and model.config.head != head)
        return None if wrong else model

    cells = {CELL_NAMES[c]: m for c, name in CELL_MODELS.items() if (m := fitting(name, cell=c)) is not None}
    heads = {h: m for h, name in HEAD_MODELS.items() if (m := fitting(name, head=h)) is not None}
    return cells, heads, fitting(ONE_STEP_MODELS["one"], cell="rnn", head="sigmoid")


def handout_html(inputs: HandoutInputs) -> str:
    """The whole file (a few MB: Plotly's JavaScript is about 4.6 MB of it)."""
    tr = trace(inputs.model, inputs.text)
    what = "P(positive)" if tr.head == "sigmoid" else f"P({tr.final_class})"
    k = 0 if tr.head == "sigmoid" else tr.classes.index(tr.final_class)
    card = inputs.model.card or {}
    head = [
        doc.verdict(tr.final_class, what, float(tr.probs[-1][k])),
        doc.text(f"Model: {inputs.model_name} · {card_line(card)}"),
    ]
    builders = (_pair, _word_by_word, _one_step, _vanishing, _heads)  # the app's order of pages
    sections = [s for build in builders if (s := build(inputs, tr)) is not None]
    sections.append(
        doc.Section(
            f"The model's card ({inputs.model_name})",
            "How the model was trained and how well it does on the treebank's test sentences.",
            (doc.table(("field", "value"), doc.card_rows(card)),),
        )
    )
    return doc.document("RNN Lens handout", inputs.text, head, sections)


def _name(inputs: HandoutInputs, chart: str) -> str:
    return file_stem("handout", inputs.text, chart)


def _word_by_word(inputs: HandoutInputs, tr: Trace) -> doc.Section:
    deltas = token_deltas(tr.probs, float(tr.start_probs[-1]))
    rows = [(t + 1, w, i if k else f"{i} (<unk>)", float(tr.probs[t, -1]), float(d))
            for t, (w, i, k, d) in enumerate(zip(tr.words, tr.ids, tr.known, deltas))]  # fmt: skip
    network = word_by_word_figure(tr.words, tr.ids, tr.hidden, tr.probs, float(tr.start_probs[-1]))
    answers = answer_state_figure(tr.words, tr.hidden, tr.probs, tr.classes)
    outputs = [step_detail(inputs.model, tr, t).outputs for t in range(tr.seq_len)]
    return doc.Section(
        f"Word by word ({inputs.model_name})",
        "Each word becomes its dictionary index, updates the hidden state, and after every word the network could "
        "already answer. Press Play on the chart to step through the words.",
        (
            doc.table(("#", "word", "dictionary index", "P(positive) after it", "change"), rows),
            doc.chart(network, "chart-word-by-word", _name(inputs, "word-by-word"), NETWORK),
            doc.chart(answers, "chart-answers", _name(inputs, "answers"), ANSWERS),
            "<h3>The answer after each word, with the model's numbers</h3>",
            doc.equations(doc.output_equations(tr.words, outputs, tr.head)),
        ),
    )


def _one_step(inputs: HandoutInputs, _tr: Trace) -> doc.Section | None:
    if inputs.one_neuron is None:
        return None
    s = unit_steps(inputs.one_neuron, trace(inputs.one_neuron, inputs.text))
    last, vocab = s.seq_len - 1, inputs.one_neuron.config.vocab_size
    return doc.Section(
        f"Inside one step ({inputs.one_neuron.card.get('name', ONE_STEP_MODELS['one'])}: one hidden neuron)",
        "The smallest RNN: its trained weights plugged into the two equations at every word. The charts show the last word.",
        (
            doc.chart(network_figure(s, last, vocab), "chart-one-step", _name(inputs, "one-step"), ONE_STEP),
            doc.chart(activation_figure(s, last), "chart-activations", _name(inputs, "activations"), CURVES),
            doc.equations(doc.one_neuron_equations(s)),
        ),
    )


def _vanishing(inputs: HandoutInputs, _main: Trace) -> doc.Section | None:
    if not inputs.cells:
        return None
    traces = {label: trace(model, inputs.text) for label, model in inputs.cells.items()}
    rows = {label: review_influence(model, inputs.text, tr=traces[label]) for label, model in inputs.cells.items()}
    label, model = next(iter(inputs.cells.items()))
    tr = traces[label]
    first = max(0, tr.seq_len - MATRIX_WINDOW)  # the page's window: the state matrix of the last 100 words
    matrix = state_matrix(step_jacobians(model, tr.ids, tr=tr)[first:], model.config.hidden_size)
    words = tr.words
    return doc.Section(
        "Vanishing gradients",
        "How much each word still moves the final answer (one row per model, each row divided by its largest), and "
        f"how long the {label}'s hidden state remembers each word.",
        (
            doc.chart(influence_heatmap(words, rows), "chart-influence", _name(inputs, "influence"), INFLUENCE),
            doc.chart(
                state_triangle(words[first:], matrix, label, first=first),
                "chart-state-matrix",
                _name(inputs, "state-matrix"),
                STATE_MATRIX,
            ),
        ),
    )


def _heads(inputs: HandoutInputs, _tr: Trace) -> doc.Section | None:
    numbers = {h: from_trace(trace(model, inputs.text)) for h, model in inputs.heads.items()}
    charts = []
    if "sigmoid" in numbers:
        fig = sigmoid_band_figure(float(numbers["sigmoid"].probs[0]), DEFAULT_BAND)
        charts.append(doc.chart(fig, "chart-sigmoid", _name(inputs, "sigmoid")))
    if "sigmoid3" in numbers:
        charts.append(doc.chart(three_sigmoids_figure(numbers["sigmoid3"]), "chart-sigmoid3", _name(inputs, "three-sigmoids")))
    if "softmax" in numbers:
        charts.append(doc.chart(softmax_steps_figure(numbers["softmax"]), "chart-softmax", _name(inputs, "softmax")))
    if not charts:
        return None
    return doc.Section(
        "Sigmoid vs softmax",
        "Three models read the same review; only their output layer differs: one sigmoid, three independent sigmoids "
        f"(their sum need not be 1), or softmax (a distribution). Neutral band of the first chart: {DEFAULT_BAND}.",
        tuple(charts),
    )


def _pair(inputs: HandoutInputs, _tr: Trace) -> doc.Section | None:
    if not inputs.cells:
        return None
    verdicts = pair_verdicts(inputs.cells, ORDER_PAIR, ORDER_PAIR_READER)
    fig = pair_figure(list(inputs.cells), [v.probs for v in verdicts], [v.verdicts for v in verdicts], ORDER_PAIR,
                      ORDER_PAIR_READER)  # fmt: skip
    return doc.Section(
        "Why sequences? The same words in another order",
        re.sub(r"\*+", "", pair_lesson(verdicts)),
        (doc.chart(fig, "chart-pair", _name(inputs, "pair"), PAIR),),
    )
