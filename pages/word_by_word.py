"""Word by word: a review enters the trained network one word at a time."""

import pandas as pd
import streamlit as st

from pages.common import (
    cached_figure,
    get_model,
    presenter,
    review_box,
    selected_model,
    trace_or_message,
    unknown_words_note,
    verdict,
)
from rnn_core.examples_text import EXAMPLE_REVIEWS
from rnn_core.step_detail import step_detail
from rnn_core.viz_sequence import token_deltas, word_by_word_figure
from rnn_core.viz_tokens import token_strip_html


def use_example() -> None:
    choice = st.session_state.get("example")
    if choice in EXAMPLE_REVIEWS:
        st.session_state["review"] = EXAMPLE_REVIEWS[choice]


st.title("Word by word")
st.caption(
    "Type a review. The network reads it one word at a time: each word becomes its index in a 10,000-word dictionary "
    "(a one-hot vector), updates the hidden state h, and after every word the network could already give an answer."
)
model_name = selected_model()
model = get_model(model_name)
if not presenter():
    st.selectbox(
        "Try an example",
        list(EXAMPLE_REVIEWS),
        index=None,
        placeholder="Pick a review written to show something...",
        key="example",
        on_change=use_example,
    )
text = review_box()
tr = trace_or_message(model_name, text)
if tr is None:
    st.stop()
unknown_words_note(tr)

verdict(tr)
deltas = token_deltas(tr.probs, float(tr.start_probs[-1]))
st.markdown("**The words as the network sees them**: dictionary index, and how much each word moved P(positive).")
st.html(token_strip_html(tr.tokens, tr.ids, tr.known, deltas.tolist(), big=presenter()))

fig = cached_figure(
    word_by_word_figure, tr.tokens, tr.ids, tr.hidden, tr.probs, tr.classes, vocab_size=len(model.vocab), presenter=presenter()
)  # built once per review for all sessions: most of this page's run
st.plotly_chart(fig, key="word_by_word_chart", config={"displayModeBar": False}, width="stretch")
st.caption(
    "Press ▶ Play or drag the slider above the chart. 1: one copy of the same cell per word, h handed to the right; "
    "colour = P(positive) after that word. 2: each column is h after that word, one row per hidden unit, "
    "purple above 0, orange below (fixed scale -1..1). 3: the answer if the review ended at that word; dotted line = 0.5. "
    "4: the current word's one-hot vector: 10,000 cells, a single 1 at its index."
)

st.subheader("Inside one step")
step = 0
if tr.seq_len > 1:
    if st.session_state.get("step", 1) > tr.seq_len:
        st.session_state["step"] = tr.seq_len
    step = st.slider("Word to explain", 1, tr.seq_len, value=1, key="step") - 1
detail = step_detail(model, tr, step)

st.text(f"{detail.token}   (dictionary index {detail.index}{'' if detail.known else ', unknown word: <unk>'})")
rows = pd.DataFrame(detail.rows).set_index("unit")
if tr.cell == "rnn":
    st.markdown(f"The {len(detail.rows)} units with the largest |h_t| at this step: **h_t = tanh(W_x x_t + W_hh h_(t-1) + b_h)**")
else:
    st.markdown(f"The {len(detail.rows)} units with the largest |h_t| at this step, with their {tr.cell.upper()} gate values:")
st.dataframe(rows.style.format("{:+.4f}"), width="stretch")
st.caption(
    f"The other {detail.rest['units']} of {detail.rest['hidden_size']} units: mean |h_t| = {detail.rest['mean_abs_h']:.3f}, "
    f"largest |h_t| = {detail.rest['max_abs_h']:.3f}."
)
for out in detail.output:
    fn = "softmax over the three logits" if tr.head == "softmax" else "sigmoid"
    st.markdown(
        f"y ({out['class']}) = {fn}(W_hy·h_t + b_y) with W_hy·h_t = {out['W_hy h_t']:+.4f}, b_y = {out['b_y']:+.4f}, "
        f"logit = {out['logit']:+.4f} → **{out['probability']:.4f}**"
    )
