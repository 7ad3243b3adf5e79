"""Vanishing gradients: how far back the final answer still looks, a plain RNN against LSTM and GRU."""

import streamlit as st

from rnn_core import tokenize
from rnn_core.explain import claims
from rnn_core.explain.gradients import DECAY_LENGTHS, SCALES
from rnn_core.figures.gradients import decay_figure, first_word_figure, influence_heatmap, state_triangle
from rnn_core.lesson import EXAMPLE_REVIEWS, LONG_EXAMPLE, LONG_SCATHING, PLAIN_MIDDLE
from ui import gradients as g
from ui.claims import get_opening_swaps
from ui.export import gradient_downloads
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import as_plain, fixed_models_note, unknown_words_note
from ui.models import model_name
from ui.review import open_on, review_box, trace_or_message

DEFAULT_LENGTH = 50  # long enough for the plain RNN's fall to show; the radio offers shorter ones
SHORT_REVIEW = 12  # words; below this there is little to forget
LONG_REVIEW = EXAMPLE_REVIEWS[LONG_EXAMPLE]


def use_long_review() -> None:
    st.session_state["review"] = LONG_REVIEW


st.title("Vanishing gradients")
st.caption(
    "To learn from a word, a network needs the word to still move its answer at the end. The gradient of the final "
    "answer with respect to each word measures exactly that. In a plain RNN it tends to shrink word by word; LSTM and "
    "GRU were built to let it through. Below: what the trained models do."
)
models, missing = g.cell_models()
fixed_models_note(models, missing)
if not models:
    st.stop()
if open_on(LONG_REVIEW, "vanishing_opened"):
    st.info(f"This page opens on a {len(tokenize(LONG_REVIEW))}-word review: forgetting needs distance to show.")
text = review_box()
charts = page_charts("vanishing", text)
tr = trace_or_message(next(iter(models.values())), text)
if tr is None:
    st.stop()
unknown_words_note(tr)
if tr.seq_len < SHORT_REVIEW:
    st.button(
        f"This review has {tr.seq_len} words, too few to forget much: read a {len(LONG_REVIEW.split())}-word review instead",
        key="vanishing_long",
        icon=":material/notes:",
        on_click=use_long_review,
    )

st.subheader("1 · How much each word moves the final answer")
rows = {label: g.get_influence(name, text) for label, name in models.items()}
heatmap = cached_figure(influence_heatmap, tr.words, rows, presenter=presenter())
st.plotly_chart(heatmap, key="vanishing_heatmap", **charts("influence"))
st.markdown(claims.gradient_reach_lesson({label: claims.first_word_share(row) for label, row in rows.items()}))
st.caption(
    "One row per model, one column per word. Colour: the size of the gradient of the final answer (the logit) with "
    "respect to the word's input W_x x_t, divided by the row's largest, on a log scale: yellow = 1 (the word that "
    "matters most), dark = a millionth or less. Hover for the raw values."
)
with st.expander("A vanishing gradient is not a lost memory: the same long review with a scathing opening"):
    swaps = get_opening_swaps(models, LONG_REVIEW, LONG_SCATHING)
    st.dataframe(
        [{"model": s.model, "glowing opening": s.glowing, "scathing opening": s.scathing, "gradient at word 1": s.first_share}
         for s in swaps], key="vanishing_swaps", hide_index=True, width="stretch",
    )  # fmt: skip
    st.markdown(claims.opening_lesson(swaps, len(tokenize(PLAIN_MIDDLE))))
    st.caption("P(positive) after the last word of each version; the gradient is the glowing version's, as in the heatmap.")

st.subheader("2 · How long the hidden state remembers each word")
chosen = st.selectbox("Model", list(models), format_func=lambda k: f"{k} ({models[k]})", key="vanishing_model")
grads = g.get_review_gradients(models[chosen], text)
first = grads.first_word
triangle = cached_figure(state_triangle, tr.words[first:], grads.state_norms, chosen, first=first, presenter=presenter())
st.plotly_chart(triangle, key="vanishing_triangle", **charts("state-matrix"))
st.caption(
    "Row s, column t: how much the hidden state after word s still changes when the state after an earlier word t is "
    "nudged (the Jacobian ∂h_s/∂h_t, its Frobenius norm over √H; for the LSTM the nudge includes its memory cell c_t). "
    "The diagonal is 1; colours fading to the left of it mean earlier words are being forgotten."
    + (f" This review has {tr.seq_len} words; the triangle shows the last {tr.seq_len - first}." if first else "")
)

gradient_downloads(text, tr, rows, grads)

st.subheader("3 · The same first word, in longer and longer reviews")
experiments = {label: g.get_experiment(name, tr.ids[0]) for label, name in models.items()}
left = {k: e.left for k, e in experiments.items()}
experiment = cached_figure(first_word_figure, left, tr.words[0], presenter())
st.plotly_chart(experiment, key="vanishing_experiment", **charts("first-word"))
st.markdown(claims.first_word_lesson(left))
st.caption(
    f"The article's experiment: your review's first word, “{as_plain(tr.words[0])}”, followed by random dictionary words "
    f"({len(next(iter(experiments.values())).fillers)} fixed samples; each longer review extends the shorter one). Bar: "
    "the gradient of the final answer with respect to the first word, as a share of what it is when the first word is "
    "the whole review; above 100% the later words amplify it."
)

st.subheader("4 · Decay over random reviews, trained and untrained")
length = st.radio(
    "Review length (words)", DECAY_LENGTHS, index=DECAY_LENGTHS.index(DEFAULT_LENGTH), horizontal=True, key="vanishing_length"
)
decays = {label: g.get_decay(name) for label, name in models.items()}
starts = {label: g.get_initial_decay(name) for label, name in models.items()}
curves = {k: d.curves[length] for k, d in decays.items()} | {f"{k} untrained": d.curves[length] for k, d in starts.items()}
st.plotly_chart(cached_figure(decay_figure, curves, presenter()), key="vanishing_decay", **charts("decay"))
trained = {k: d.first_last_ratio(length) for k, d in decays.items()}
st.markdown(claims.decay_lesson(trained, {k: d.first_last_ratio(length) for k, d in starts.items()}, length))
st.caption(
    f"Average over {next(iter(decays.values())).samples} fixed random sequences of {length} dictionary words: the "
    "influence of the word at each distance from the end, relative to the last word (log scale; a straight falling "
    "line is exponential forgetting). Thin lines with open markers: the same models with the weights their training "
    "started from, before they saw a single review."
)
if "RNN" in models:
    factor = st.select_slider("What if? Scale the RNN's W_hh by", SCALES, value=1.0, key="vanishing_scale",
                              format_func=lambda f: f"{f:g}×")  # fmt: skip
    scaled = g.get_scaled_decay(models["RNN"], factor)
    row = g.get_scaled_influence(models["RNN"], text, factor)
    scaled_row = cached_figure(influence_heatmap, tr.words, {f"RNN, W_hh × {factor:g}": row}, presenter=presenter())
    st.plotly_chart(scaled_row, key="vanishing_scaled_row", **charts("scaled"))
    st.plotly_chart(
        cached_figure(decay_figure, {f"RNN, W_hh × {factor:g}": scaled.curves[length]}, presenter()),
        key="vanishing_scaled_decay",
        **charts("scaled-decay"),
    )
    st.caption(
        f"First word ÷ last word at {length} words with W_hh × {factor:g}: {scaled.first_last_ratio(length):.3g} "
        f"(as trained: {trained['RNN']:.3g}). Smaller W_hh: each step shrinks the gradient more, and it vanishes; "
        "larger: steps can stretch it, and it may explode."
    )

st.subheader("Why the gradient vanishes")
numbers = {label: g.get_step_numbers(name, text) for label, name in models.items()}
if "RNN" in models:
    rnn_grads = grads if chosen == "RNN" else g.get_review_gradients(models["RNN"], text)
    st.markdown(claims.why_rnn_vanishes(model_name(models["RNN"]), numbers["RNN"], rnn_grads, tr.seq_len))
for label in claims.GATED_PATHS:
    if label in numbers:
        st.markdown(claims.why_gated_keeps(label, model_name(models[label]), numbers[label]))
