"""Word by word: a review enters the trained network one word at a time."""

import pandas as pd
import streamlit as st

from rnn_core.explain.step_detail import step_detail
from rnn_core.figures.sequence import token_deltas, word_by_word_figure
from rnn_core.figures.tokens import token_strip_html
from rnn_core.lesson import EXAMPLE_REVIEWS, EXAMPLES
from ui.claims import get_verdicts
from ui.figures import CHART, cached_figure, presenter
from ui.gradients import cell_models
from ui.messages import example_note, unknown_words_note, verdict
from ui.models import get_model, selected_model
from ui.review import review_box, step_slider, trace_or_message


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
shown = next((title for title, e in EXAMPLES.items() if e.text == text), None)
if shown:
    example_note(shown, EXAMPLES[shown], get_verdicts(cell_models()[0], text))
deltas = token_deltas(tr.probs, float(tr.start_probs[-1]))
st.markdown("**The words as the network sees them**: dictionary index, and how much each word moved P(positive).")
st.html(token_strip_html(tr.words, tr.ids, tr.known, deltas.tolist(), big=presenter()))

fig = cached_figure(
    word_by_word_figure, tr.words, tr.ids, tr.hidden, tr.probs, tr.classes, presenter=presenter()
)  # built once per review for all sessions: most of this page's run
st.plotly_chart(fig, key="word_by_word_chart", **CHART)
st.caption(
    "Press ▶ Play or drag the slider above the chart. 1: one copy of the same cell per word, h handed to the right; "
    "colour = P(positive) after that word. 2: each column is h after that word, one row per hidden unit, "
    "purple above 0, orange below (fixed scale -1..1). 3: the answer if the review ended at that word; dotted line = 0.5. "
    "4: the current word's one-hot vector: 10,000 cells, a single 1 at its index."
)

st.subheader("Inside one step")
step = step_slider("Word to explain", tr.seq_len, key="step")
detail = step_detail(get_model(model_name), tr, step)

st.text(f"{detail.token}   (dictionary index {detail.index}{'' if detail.known else ', unknown word: <unk>'})")
rows = pd.DataFrame(detail.unit_table()).set_index("unit")
if tr.cell == "rnn":
    st.markdown(
        f"The {len(detail.units)} units with the largest |h_t| at this step: **h_t = tanh(W_x x_t + W_hh h_(t-1) + b_h)**"
    )
else:
    st.markdown(f"The {len(detail.units)} units with the largest |h_t| at this step, with their {tr.cell.upper()} gate values:")
st.dataframe(rows.style.format("{:+.4f}"), width="stretch")
st.caption(
    f"The other {detail.rest.units} of {detail.rest.hidden_size} units: mean |h_t| = {detail.rest.mean_abs_h:.3f}, "
    f"largest |h_t| = {detail.rest.max_abs_h:.3f}."
)
for out in detail.outputs:
    fn = "softmax over the three logits" if tr.head == "softmax" else "sigmoid"
    st.markdown(
        f"y ({out.class_name}) = {fn}(W_hy·h_t + b_y) with W_hy·h_t = {out.weighted:+.4f}, b_y = {out.bias:+.4f}, "
        f"logit = {out.logit:+.4f} → **{out.probability:.4f}**"
    )
