"""Sigmoid vs softmax: one output, three independent outputs, or a distribution over three classes."""

import streamlit as st

from pages.common import (
    cached_figure,
    get_model,
    get_trace,
    model_label,
    presenter,
    review_box,
    trace_or_message,
    unknown_words_note,
)
from rnn_core import ModelFileError
from rnn_core.output_heads import (
    DEFAULT_BAND,
    EXPECTED,
    HEAD_MODELS,
    WHATIF_RANGE,
    WORDS,
    band_class,
    clipped,
    from_trace,
    what_if,
    whatif_preset,
)
from rnn_core.viz_heads import (
    sigmoid3_latex,
    sigmoid_band_figure,
    sigmoid_latex,
    softmax_latex,
    softmax_steps_figure,
    three_sigmoids_figure,
)
from rnn_core.viz_style import class_label

CHART = {"config": {"displayModeBar": False}, "width": "stretch"}
WHATIF_KEYS = ("whatif_neg", "whatif_neu", "whatif_pos")


def set_sums(sums, decimals: int | None = 2) -> None:
    for key, value in zip(WHATIF_KEYS, clipped(sums, decimals)):
        st.session_state[key] = value


def preset(name: str) -> None:
    set_sums(whatif_preset(name, [st.session_state.get(k, 0.0) for k in WHATIF_KEYS]))


def load_problem(head: str) -> str | None:
    """Why this head's model cannot be used (missing, damaged, wrong head), or None if it can."""
    name = HEAD_MODELS[head]
    try:
        model = get_model(name)
    except ModelFileError as err:
        return f"The model for this panel ({name}) is not available, so the panel is skipped: {err}"
    if model.config.head != head:
        return f"{name} has a {model.config.head} head, not {head}; this panel is skipped."
    return None


def panel_numbers(head: str):
    """This head's numbers for the text, or None after saying why the panel cannot be drawn."""
    if head in problems:
        st.warning(problems[head], icon="⏳")
        return None
    st.caption(f"Model: {model_label(HEAD_MODELS[head])}")
    return from_trace(get_trace(HEAD_MODELS[head], text)) if text_ok else None


st.title("Sigmoid vs softmax")
st.caption(
    "Three models read the same text; only their output layer differs. Each ends in output sums z = W_hy·h + b_y: "
    "one sum (one sigmoid), or three sums through three independent sigmoids, or three sums through softmax. "
    "This page always uses these three models, whatever the sidebar says."
)
source = st.radio("Read", ["A single word", "The shared review"], horizontal=True, key="heads_source")
if source == "A single word":
    text = st.radio("Word", WORDS, index=0, horizontal=True, key="heads_word")
else:
    text = review_box()

problems = {h: why for h in HEAD_MODELS if (why := load_problem(h))}
usable = [h for h in HEAD_MODELS if h not in problems]
text_ok = bool(usable) and trace_or_message(HEAD_MODELS[usable[0]], text) is not None
if text_ok:
    unknown_words_note(get_trace(HEAD_MODELS[usable[0]], text))

st.header("1 · One sigmoid: how positive?")
n = panel_numbers("sigmoid")
if n is not None:
    p, z = float(n.probs[0]), float(n.logits[0])
    band = st.slider("Neutral band (drag either end)", 0.0, 1.0, DEFAULT_BAND, step=0.01, key="heads_band")
    st.plotly_chart(cached_figure(sigmoid_band_figure, p, band, presenter()), key="heads_sigmoid_chart", **CHART)
    st.latex(sigmoid_latex(z, p))
    st.markdown(
        f"With this band, P(positive) = **{p:.2f}** reads as **{class_label(band_class(p, *band))}**. "
        "Is 0.3 negative, or neutral? The model cannot say: it has one number, and the band is a rule drawn by hand "
        "after training. Drag it and the same output changes class while the model stays the same. Nothing in the "
        "model learned what *neutral* looks like, and an unsure review and a neutral one both land near 0.5."
    )

st.header("2 · Three sigmoids: three separate questions")
n = panel_numbers("sigmoid3")
if n is not None:
    st.plotly_chart(cached_figure(three_sigmoids_figure, n, presenter()), key="heads_sigmoid3_chart", **CHART)
    st.latex(sigmoid3_latex(n))
    st.caption(
        "Each sum goes through its own sigmoid: is it negative? is it neutral? is it positive? Each answer lies in 0..1, "
        "but nothing makes the three add up to 1 (dashed line). Hover for exact values."
    )

st.header("3 · Softmax: one distribution over three classes")
st.session_state.pop("_heads_softmax_sums", None)  # only the sums of a text this page has just read
n = panel_numbers("softmax")
if n is not None:
    st.session_state["_heads_softmax_sums"] = [float(v) for v in n.logits]
    st.plotly_chart(cached_figure(softmax_steps_figure, n, presenter()), key="heads_softmax_chart", **CHART)
    st.latex(softmax_latex(n))
    st.markdown(
        f"Largest softmax probability: **{class_label(n.top_class)}** ({n.probs.max():.2f}). "
        "Panel 4 puts the *same* three sums through sigmoid instead: "
        f"they add to {n.sigmoid_total:.2f}, not 1."
    )
    expected = EXPECTED.get(text) if source == "A single word" else None
    if expected and expected != n.top_class:
        st.info(
            f"A reader would call “{text}” {expected}; this model gives {class_label(n.top_class)} the largest share. "
            "One word out of context is not what the model was trained to read, and it shows here as it is."
        )
    st.caption("Bars show 2 decimals, formulas 3; hover a bar for its exact value. The exact softmax values add to 1.")

st.header("What if? Choose three output sums")
st.caption("Drag the sums and watch both functions. Try one much larger, all equal, then all shifted by the same amount.")
if "whatif_neg" not in st.session_state:
    set_sums(st.session_state.get("_heads_softmax_sums", (1.0, 0.0, -1.0)), decimals=None)
if not presenter():
    cols = st.columns(4)
    cols[0].button("One much larger", key="whatif_one_larger", on_click=preset, args=("one_larger",))
    cols[1].button("All equal", key="whatif_equal", on_click=preset, args=("equal",))
    cols[2].button("Shift all by +1", key="whatif_shift", on_click=preset, args=("shift",))
    if "_heads_softmax_sums" in st.session_state:
        cols[3].button(
            "This text's sums", key="whatif_text", on_click=set_sums, args=(st.session_state["_heads_softmax_sums"], None)
        )
lo, hi = WHATIF_RANGE
sliders = st.columns(3)
sums = [
    col.slider(f"z for {class_label(c)}", lo, hi, step=0.01, format="%.3f", key=key)  # 3 decimals, as the formulas
    for col, key, c in zip(sliders, WHATIF_KEYS, ("negative", "neutral", "positive"))
]
w = what_if(*sums)
st.plotly_chart(cached_figure(softmax_steps_figure, w, presenter(), z_range=WHATIF_RANGE), key="heads_whatif_chart", **CHART)
st.latex(softmax_latex(w))
st.markdown(
    f"Softmax always adds to **{w.softmax_total:.2f}**; the three sigmoids add to **{w.sigmoid_total:.2f}**. "
    "Adding the same constant to all three sums leaves softmax unchanged (only differences matter) but moves every sigmoid."
)
