"""Vanishing gradients: how far back the final answer still looks, a plain RNN against LSTM and GRU."""

import streamlit as st

from rnn_core.explain.gradients import DECAY_LENGTHS
from rnn_core.figures.gradients import decay_figure, first_word_figure, influence_heatmap, state_triangle
from rnn_core.lesson import EXAMPLE_REVIEWS, LONG_EXAMPLE
from ui.figures import CHART, presenter
from ui.gradients import cell_models, get_decay, get_experiment, get_influence, get_review_gradients, get_step_numbers
from ui.messages import as_plain, unknown_words_note
from ui.review import review_box, trace_or_message

DEFAULT_LENGTH = 25
SHORT_REVIEW = 12  # words; below this there is little to forget
LONG_REVIEW = EXAMPLE_REVIEWS[LONG_EXAMPLE]


def use_long_review() -> None:
    st.session_state["review"] = LONG_REVIEW


st.title("Vanishing gradients")
st.caption(
    "To learn from a word, a network needs the word to still move its answer at the end. The gradient of the final "
    "answer with respect to each word measures exactly that. In a plain RNN it shrinks word by word; LSTM and GRU "
    "were built to let it through."
)
models, missing = cell_models()
for name in missing:
    st.warning(f"The model {name} could not be loaded, so it is left out of this page.", icon="⚠️")
if not models:
    st.error("None of the compared models (rnn-sst2, lstm-sst2, gru-sst2) could be loaded.")
    st.stop()
text = review_box()
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
rows = {label: get_influence(name, text) for label, name in models.items()}
st.plotly_chart(influence_heatmap(tr.tokens, rows, presenter=presenter()), key="vanishing_heatmap", **CHART)
st.caption(
    "One row per model, one column per word. Colour: the size of the gradient of the final answer (the logit) with "
    "respect to the word's input W_x x_t, divided by the row's largest, on a log scale: yellow = 1 (the word that "
    "matters most), dark = a millionth or less. Hover for the raw values."
)

st.subheader("2 · How long the hidden state remembers each word")
labels = list(models)
chosen = st.selectbox("Model", labels, format_func=lambda k: f"{k} ({models[k]})", key="vanishing_model")
grads = get_review_gradients(models[chosen], text)
first = grads.first_word
triangle = state_triangle(tr.tokens[first:], grads.state_norms, chosen, first=first, presenter=presenter())
st.plotly_chart(triangle, key="vanishing_triangle", **CHART)
st.caption(
    "Row s, column t: how much the hidden state after word s still changes when the state after an earlier word t is "
    "nudged (the Jacobian ∂h_s/∂h_t, its Frobenius norm over √H; for the LSTM the nudge includes its memory cell c_t). "
    "The diagonal is 1; colours fading to the left of it mean earlier words are being forgotten."
    + (f" This review has {tr.seq_len} words; the triangle shows the last {tr.seq_len - first}." if first else "")
)

st.subheader("3 · The same first word, in a 3-word and a 6-word review")
experiments = {label: get_experiment(name, tr.ids[0]) for label, name in models.items()}
st.plotly_chart(
    first_word_figure({k: e.left for k, e in experiments.items()}, tr.tokens[0], presenter()), key="vanishing_experiment", **CHART
)
n_fillers = len(next(iter(experiments.values())).fillers)
st.caption(
    f"Your review's first word, “{as_plain(tr.tokens[0])}”, followed by 2 or 5 random dictionary words ({n_fillers} fixed "
    "samples; each 6-word review extends a 3-word one). Bar: the gradient of the final answer with respect to the "
    "first word, as a share of what it is when the first word is the whole review; above 100% the later words amplify it."
)

st.subheader("4 · Decay over random reviews")
length = st.radio(
    "Review length (words)", DECAY_LENGTHS, index=DECAY_LENGTHS.index(DEFAULT_LENGTH), horizontal=True, key="vanishing_length"
)
decays = {label: get_decay(name) for label, name in models.items()}
st.plotly_chart(decay_figure({k: d.curves[length] for k, d in decays.items()}, presenter()), key="vanishing_decay", **CHART)
ratios = ", ".join(f"{k} {d.first_last_ratio(length):.3g}" for k, d in decays.items())
samples = next(iter(decays.values())).samples
st.caption(
    f"Average over {samples} fixed random sequences of {length} dictionary words (no real reviews needed): the influence "
    "of the word at each distance from the end, relative to the last word (log scale; a straight falling line is "
    f"exponential forgetting). First word ÷ last word: {ratios}."
)

st.subheader("Why the gradient vanishes")
numbers = {label: get_step_numbers(name, text) for label, name in models.items()}
if "RNN" in models:
    rnn = numbers["RNN"]
    rnn_grads = grads if chosen == "RNN" else get_review_gradients(models["RNN"], text)
    lags = {k: rnn_grads.lag_median(k) for k in (1, 2, 5, 10, 25) if k < len(tr.tokens)}
    lag_text = "; ".join(f"{k} word{'s' * (k > 1)} back: {v:.2g}" for k, v in lags.items())
    bound = (
        f"Since σ_max < 1, every step shrinks a gradient by at least that factor: after 10 words it is at most {rnn.sigma_max**10:.2g}."
        if rnn.sigma_max < 1
        else "Since σ_max > 1, this bound alone does not force the gradient to shrink: a step can stretch some directions. "
        "Whether it vanishes depends on how the steps combine, which the triangle above measures."
    )
    st.markdown(
        f"Going back one word, a plain RNN's gradient is multiplied by the step's Jacobian diag(1 - h_t²) · W_hh: once by "
        f"W_hh, and once by tanh's slope 1 - h_t², which is never above 1. In {as_plain(models['RNN'])}, the largest singular value "
        f"of W_hh is **σ_max = {rnn.sigma_max:.3g}**; on this review tanh's slope averages **{rnn.mean_slope:.2f}** and a "
        f"step stretches a gradient by at most **{rnn_grads.typical_gain:.3g}** (geometric mean over the words). {bound}"
        + (f" Measured on this review (median of the triangle): {lag_text}." if lag_text else "")
    )
gated = {"LSTM": ("c_t = f · c_(t-1) + i · g", "forget gate f"), "GRU": ("h_t = (1 - z) · n + z · h_(t-1)", "update gate z")}
for label, (rule, gate) in gated.items():
    if label in numbers:
        st.markdown(
            f"**{label}** ({as_plain(models[label])}) carries its memory forward as {rule}: going back one word along that path "
            f"multiplies the gradient by the {gate} alone, with no W_hh and no tanh slope in the way. On this review "
            f"the {gate} averages **{numbers[label].mean_keep:.2f}** (1 = keep everything); σ_max of its stacked W_hh "
            f"is {numbers[label].sigma_max:.3g}."
        )
