"""Word by word: a review enters the trained network one word at a time."""

import pandas as pd
import streamlit as st

from rnn_core.explain.step_detail import step_detail
from rnn_core.figures.sequence import token_deltas
from rnn_core.figures.tokens import token_strip_html
from rnn_core.lesson import EXAMPLES
from ui.claims import get_verdicts
from ui.compare import compare_chart, compare_switch, second_review_box
from ui.export import trace_downloads
from ui.figures import presenter
from ui.gradients import cell_models
from ui.messages import example_note, unknown_words_note, verdict
from ui.models import get_model, selected_model
from ui.quiz import quiz_toggle, run_quiz
from ui.review import review_box, trace_or_message
from ui.sequence import example_picker, step_table, word_by_word_charts

st.title("Word by word")
st.caption(
    "Type a review. The network reads it one word at a time: each word becomes its index in a 10,000-word dictionary "
    "(a one-hot vector), updates the hidden state h, and after every word the network could already give an answer."
)
model_name = selected_model()
example_picker()
if compare_switch():  # two reviews side by side: both answers on one chart, both hidden states
    left, right = st.columns(2)
    with left:
        text = review_box("Review A")
    with right:
        text_b = second_review_box()
    traces = [trace_or_message(model_name, t) for t in (text, text_b)]
    if None in traces:
        st.stop()
    for column, tr in zip((left, right), traces):
        with column:
            unknown_words_note(tr)
            verdict(tr, half=True)
    compare_chart(*traces, text)
    st.caption(
        "Solid line and circles: review A; dashed line and diamonds: review B (same model). Each marker is coloured by "
        "how much its word moved P(positive): blue up, vermillion down. Below, each review's hidden state after each "
        "word, one row per unit, on the same scale (purple above 0, green below)."
    )
    st.stop()
text = review_box()
tr = trace_or_message(model_name, text)
if tr is None:
    st.stop()
unknown_words_note(tr)
if quiz_toggle():  # predict, then reveal: the answers stay hidden until the student has guessed
    run_quiz(tr, model_name, text)
    st.stop()

verdict(tr)
shown = next((title for title, e in EXAMPLES.items() if e.text == text), None)
if shown:
    example_note(shown, EXAMPLES[shown], get_verdicts(cell_models()[0], text))
step = word_by_word_charts(tr, model_name, text)  # the player's word: the charts and the step panel show it
st.caption(
    "The charts open on the review fully read; ▶ Play reads it again from word 1 (presenter mode: ← → step, space "
    "plays). 1: one copy of the same cell per word, around the current one; inside it h as a column of colours (the 16 "
    "units that change most over this review), handed to the right; y_t above it, the answer after that word. 2: the "
    "word as a one-hot vector, 10,000 cells, a single 1 at its index. 3: the answer if the review ended at each word; "
    "dotted line = 0.5. 4: each column is h after that word, every unit, purple above 0, green below (fixed scale "
    "-1..1). The words not read yet are veiled."
)
deltas = token_deltas(tr.probs, float(tr.start_probs[-1]))
st.markdown("**The words as the network sees them**: dictionary index, and how much each word moved P(positive).")
st.html(token_strip_html(tr.words, tr.ids, tr.known, deltas.tolist(), big=presenter()))

trace_downloads("word_by_word", text, {"trace": tr})

detail = step_detail(get_model(model_name), tr, step)
st.subheader(f"Inside one step: word {step + 1} of {tr.seq_len}")
st.caption("The player's word: step with ◀ ▶ (or ← → in presenter mode) and this panel follows.")
st.text(f"{detail.token}   (dictionary index {detail.index}{'' if detail.known else ', unknown word: <unk>'})")
rows = pd.DataFrame(detail.unit_table()).set_index("unit")
if tr.cell == "rnn":
    st.markdown(
        f"The {len(detail.units)} units with the largest |h_t| at this step: **h_t = tanh(W_x x_t + W_hh h_(t-1) + b_h)**"
    )
else:
    st.markdown(f"The {len(detail.units)} units with the largest |h_t| at this step, with their {tr.cell.upper()} gate values:")
step_table(rows)
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
