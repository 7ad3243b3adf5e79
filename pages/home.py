"""Home: what the app shows and why sequences need a network with memory."""

import streamlit as st

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
