"""Sigmoid vs softmax: one output, three independent outputs, or a distribution over three classes."""

import streamlit as st

from rnn_core.explain import claims
from rnn_core.explain.output_heads import DEFAULT_BAND, WHATIF_RANGE, HeadNumbers, band_class, from_trace, what_if
from rnn_core.figures.heads import (
    sigmoid3_latex,
    sigmoid_band_figure,
    sigmoid_latex,
    softmax_latex,
    softmax_steps_figure,
    sum_histogram,
    three_sigmoids_figure,
)
from rnn_core.figures.style import class_label
from rnn_core.lesson import EXPECTED, HEAD_MODELS, NEUTRAL_WORDS, WORDS
from ui.claims import get_dictionary_sums
from ui.export import trace_downloads
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import as_plain, fixed_models_note, unknown_words_note
from ui.models import ModelProblem, model_label, model_problem
from ui.review import get_trace, review_box, trace_or_message
from ui.whatif import whatif_sliders


def panel_numbers(head: str, numbers: dict[str, HeadNumbers], problems: dict[str, ModelProblem | None]) -> HeadNumbers | None:
    """This head's numbers for the text, or None (after saying why, if its model cannot be used)."""
    if problems[head]:
        st.warning(f"The model for this panel is not available, so the panel is skipped: {problems[head].message}", icon="⏳")
        return None
    st.caption(f"Model: {model_label(HEAD_MODELS[head])}")
    return numbers.get(head)


st.title("Sigmoid vs softmax")
st.caption(
    "Three models read the same text; only their output layer differs. Each ends in output sums z = W_hy·h + b_y: "
    "one sum (one sigmoid), or three sums through three independent sigmoids, or three sums through softmax."
)
fixed_models_note({head: name for head, name in HEAD_MODELS.items()})
source = st.radio("Read", ["A single word", "The shared review"], horizontal=True, key="heads_source")
if source == "A single word":
    text = st.radio("Word", WORDS, index=0, horizontal=True, key="heads_word")
else:
    text = review_box()
charts = page_charts("softmax", text)

problems = {h: model_problem(name, head=h) for h, name in HEAD_MODELS.items()}
usable = [h for h, problem in problems.items() if problem is None]
first = trace_or_message(HEAD_MODELS[usable[0]], text) if usable else None
if first is not None:
    unknown_words_note(first)
numbers = {h: from_trace(get_trace(HEAD_MODELS[h], text)) for h in usable} if first is not None else {}
if first is not None:
    trace_downloads("softmax", text, {f"{h} trace": get_trace(HEAD_MODELS[h], text) for h in usable})

st.header("1 · One sigmoid: how positive?")
n = panel_numbers("sigmoid", numbers, problems)
if n is not None:
    p, z = float(n.probs[0]), float(n.logits[0])
    band = st.slider("Neutral band (drag either end)", 0.0, 1.0, DEFAULT_BAND, step=0.01, key="heads_band")
    st.plotly_chart(cached_figure(sigmoid_band_figure, p, band, presenter()), key="heads_sigmoid_chart", **charts("sigmoid"))
    st.latex(sigmoid_latex(z, p))
    st.markdown(
        f"With this band, P(positive) = **{p:.2f}** reads as **{class_label(band_class(p, *band))}**. "
        "Is 0.3 negative, or neutral? The model cannot say: it has one number, and the band is a rule drawn by hand "
        "after training. Drag it and the same output changes class while the model stays the same. Nothing in the "
        "model learned what *neutral* looks like. "
        + claims.near_half_lesson({w: float(get_trace(HEAD_MODELS["sigmoid"], w).probs[-1, 0]) for w in NEUTRAL_WORDS})
    )

st.header("2 · Three sigmoids: three separate questions")
n = panel_numbers("sigmoid3", numbers, problems)
if n is not None:
    st.plotly_chart(cached_figure(three_sigmoids_figure, n, presenter()), key="heads_sigmoid3_chart", **charts("sigmoid3"))
    st.latex(sigmoid3_latex(n))
    st.caption(
        "Each sum goes through its own sigmoid: is it negative? is it neutral? is it positive? Each answer lies in 0..1, "
        "but nothing makes the three add up to 1 (dashed line). Hover for exact values."
    )
    sums = get_dictionary_sums(HEAD_MODELS["sigmoid3"])
    st.plotly_chart(
        cached_figure(sum_histogram, sums, text, n.sigmoid_total, presenter()), key="heads_sum_histogram", **charts("sums")
    )
    st.markdown(claims.sigmoid_sum_lesson(as_plain(text if len(text) <= 40 else text[:40] + "…"), n.sigmoid_total, sums))

st.header("3 · Softmax: one distribution over three classes")
n = panel_numbers("softmax", numbers, problems)
if n is not None:
    st.plotly_chart(cached_figure(softmax_steps_figure, n, presenter()), key="heads_softmax_chart", **charts("softmax"))
    st.latex(softmax_latex(n))
    st.markdown(
        f"Largest softmax probability: **{class_label(n.top_class)}** ({n.probs.max():.2f}). "
        "Panel 4 puts the *same* three sums through sigmoid instead: " + claims.softmax_against_sigmoid_lesson(n.sigmoid_total)
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
text_sums = [float(v) for v in numbers["softmax"].logits] if "softmax" in numbers else None
sums = whatif_sliders(text_sums, show_buttons=not presenter())
w = what_if(*sums)
st.plotly_chart(
    cached_figure(softmax_steps_figure, w, presenter(), z_range=WHATIF_RANGE), key="heads_whatif_chart", **charts("what-if")
)
st.latex(softmax_latex(w))
st.markdown(
    f"Softmax always adds to **{w.softmax_total:.2f}**; the three sigmoids add to **{w.sigmoid_total:.2f}**. "
    "Adding the same constant to all three sums leaves softmax unchanged (only differences matter) but moves every sigmoid."
)
