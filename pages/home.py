"""Home: what the app shows and why sequences need a network with memory."""

import streamlit as st

from rnn_core.explain.pair import pair_lesson
from rnn_core.figures.verdicts import pair_figure
from rnn_core.lesson import CELL_MODELS, ORDER_PAIR, ORDER_PAIR_READER
from ui.figures import cached_figure, chart_options, presenter
from ui.models import prepare_the_tour
from ui.pair import get_light_pair_verdicts, light_cell_models

st.title("RNN Lens")
st.markdown(
    "#### Watch a trained recurrent neural network read a movie review, one word at a time.\n"
    "Every number you see comes from real models trained on 8,544 movie-review sentences "
    "(the Stanford Sentiment Treebank) and can be checked by hand."
)

st.subheader("Why sequences need memory")
left, right = st.columns(2)
left.markdown(
    "**“not good, bad”** and **“good, not bad”** hold the same three words, yet mean opposite things.\n\n"
    "A plain network that takes a fixed bag of inputs cannot tell them apart. "
    "A *recurrent* network reads one word at a time and carries a **hidden state** forward: "
    "a short memory of what it has read so far."
)
right.latex(r"h_t = \tanh(W_x\,x_t + W_{hh}\,h_{t-1} + b_h)")
right.latex(r"y_t = \sigma(W_{hy}\,h_t + b_y)")
right.caption(
    "x_t: the word as a one-hot vector over a 10,000-word dictionary · h_t: the hidden state after word t · "
    "y_t: the probability that the review is positive, if it ended at word t."
)

st.subheader("Do the trained networks tell them apart?")
models, missing = light_cell_models()
if models:
    verdicts = get_light_pair_verdicts(models, ORDER_PAIR, ORDER_PAIR_READER)
    fig = cached_figure(
        pair_figure,
        list(models),
        [v.probs for v in verdicts],
        [v.verdicts for v in verdicts],
        ORDER_PAIR,
        ORDER_PAIR_READER,
        presenter=presenter(),
    )
    st.plotly_chart(fig, key="home_pair_chart", **chart_options("home", " ".join(ORDER_PAIR), "pair"))
    st.markdown(pair_lesson(verdicts))
    names = ", ".join(f"{label}: {name}" for label, name in models.items())
    count = {1: "one trained model", 2: "two trained models", 3: "three trained models"}.get(len(models), "trained models")
    not_shown = (
        f" Not shown: {', '.join(missing)} (its file is missing, cannot be read, or holds another kind of cell)."
        if missing
        else ""
    )
    st.caption(
        f"Live answers of {count} ({names}): P(positive) after the last word; the bar's colour is the "
        "model's verdict (0.5 and above: positive), ✓ where it agrees with a reader. Try the pair on Word by word." + not_shown
    )
else:
    st.info(f"None of the models {', '.join(CELL_MODELS.values())} could be loaded, so their verdicts are not shown.")

st.subheader("The tour")
st.page_link(
    "pages/word_by_word.py",
    label="**Word by word**: a review enters the network; the hidden state and answer after each word.",
    icon=":material/text_rotation_none:",
)
st.page_link(
    "pages/one_step.py",
    label="**Inside one step**: one neuron, its trained numbers in the equations.",
    icon=":material/neurology:",
)
st.page_link(
    "pages/vanishing.py", label="**Vanishing gradients**: how far back the answer still looks.", icon=":material/trending_down:"
)
st.page_link(
    "pages/softmax.py",
    label="**Sigmoid vs softmax**: one output, three outputs, or one distribution.",
    icon=":material/stacked_bar_chart:",
)
st.page_link(
    "pages/shapes.py",
    label="**RNN shapes and text completion**: one-to-many, many-to-many; the next word, and how far back it looks.",
    icon=":material/account_tree:",
)
st.page_link(
    "pages/explorer.py",
    label="**Hidden-state explorer**: where a review travels in the state space, and what each unit responds to.",
    icon=":material/scatter_plot:",
)
st.page_link(
    "pages/train.py",
    label="**Train your own**: watch a network learn, and the memory task where a plain RNN fails.",
    icon=":material/model_training:",
)
prepare_the_tour()  # the tour's next pages import torch; the first page is drawn by now
