"""RNN shapes: many-to-one, one-to-many, many-to-many (aligned and encoder-decoder), each tied to a live instance."""

import streamlit as st

from rnn_core.explain.claims import label_agreement_lesson, label_pathway_lesson, label_strength_lesson, share_text
from rnn_core.figures.shapes import shapes_figure, start_state_figure
from rnn_core.figures.style import class_label
from rnn_core.lesson import COND_JUDGES, WRITE_STRENGTH_MAX
from rnn_core.model.language import LABELS
from ui import language as lm
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import as_plain

st.title("RNN shapes")
st.caption(
    "The same recurrent step fits four shapes of problem: which steps take an input, and which give an output. "
    "Time runs to the right; x: an input, h: the hidden state, y: an output."
)
charts = page_charts("shapes")
st.plotly_chart(cached_figure(shapes_figure, presenter()), key="shapes_diagram", **charts("shapes"))
name, problem = lm.cond_model()
one, two, three, four = st.columns(4)
one.markdown(
    "**Many-to-one.** Read every word, answer once: the review's sentiment. The network could answer after every word; "
    "the last answer is the review's. The article counts text completion here too: given a string of words, predict "
    "the next word."
)
one.page_link("pages/word_by_word.py", label="Live: Word by word", icon=":material/text_rotation_none:")
one.page_link("pages/completion.py", label="Live: text completion", icon=":material/edit_note:")
two.markdown(
    "**One-to-many.** One input, a sequence out: in the article, an image and its caption. Here the one input is a "
    "label, negative or positive: it sets the first hidden state, and the model writes a sentence word by word, "
    "reading back each word it wrote"
    + (
        " (and, here, the label again beside each word, as some captioning networks are shown their image at every step)."
        if name is not None and lm.reads_label_each_step(name)
        else "."
    )
)
two.markdown("Live: [below](#a-sentence-written-from-a-label)")
three.markdown(
    "**Many-to-many, aligned.** An output at every step: after each word, the next word. A language model is trained "
    "this way, and text completion runs it: predict a word, read it, predict the next."
)
three.page_link("pages/completion.py", label="Live: Text completion", icon=":material/edit_note:")
four.markdown(
    "**Many-to-many, encoder-decoder.** Translation: an encoder reads the whole sentence; its last hidden state, the "
    "context, starts a decoder that writes the translation, which may be longer or shorter. **RNN Lens does not ship "
    "a translation model**: this shape is drawn, not run."
)

st.subheader("A sentence written from a label")
if name is None:
    st.warning(f"The conditional language model cannot be used, so this part is skipped: {problem}", icon="⏳")
    st.stop()
left, middle, right = st.columns([1.1, 0.8, 1.3])
label = left.radio("Write a sentence that is", LABELS, horizontal=True, key="write_label", format_func=class_label)
seed = middle.number_input("Seed", 0, lm.MAX_SEED, value=0, step=1, key="write_seed", help="Another seed, another sentence.")
shipped = lm.label_strength(name)
strength = shipped
if lm.reads_label_each_step(name):
    strength = right.slider(
        "Label strength",
        0.0,
        WRITE_STRENGTH_MAX,
        value=shipped,
        step=0.05,
        format="%.2f×",
        key="write_strength",
        help=f"How many times the label's bias (b_label) counts in each step's scores: 0 switches it off, 1 is as "
        f"trained, {shipped:g} as shipped (see below). Try 0 and {WRITE_STRENGTH_MAX:g} with the same seed.",
    )
    strength = round(strength, 2)
written = lm.get_written(name, LABELS.index(label), int(seed), strength)
st.markdown(f"### “{as_plain(written.sentence)}”")
verdicts = {judge: lm.get_judgement(judge, tuple(written.tokens)) for judge in COND_JUDGES}
st.markdown(
    " · ".join(f"{as_plain(j)} reads it as **{class_label(c)}** (P(positive) = {p:.2f})" for j, (p, c) in verdicts.items())
)
if strength != shipped:
    st.info(
        f"Written with the label's bias counted {lm.times(strength)}"
        + (" (switched off: only h₀ and the label's vector beside each word carry the label)" if strength == 0 else "")
        + f". The shares below were measured with it counted {lm.times(shipped)}, as shipped.",
        icon=":material/tune:",
    )
card = lm.get_lm(name).card.get("label_agreement", {})
rates = [f"{as_plain(j)} {share_text(card[j])}" for j in COND_JUDGES if isinstance(card.get(j), float)]
bias_note = "" if shipped == 1 else f", the label's bias counted {lm.times(shipped)}, see below"
if rates:
    st.caption(
        f"Of {card.get('samples')} sentences it wrote (half per label, temperature {card.get('temperature')}"
        f"{', never `<unk>`' if card.get('unknown') is False else ''}, seeds "
        f"{card.get('seed')} on{bias_note}), "
        f"the sentiment models called this share the label asked for: {', '.join(rates)}. "
        + label_agreement_lesson({j: card[j] for j in COND_JUDGES if isinstance(card.get(j), float)})
        + f" For scale: on the treebank's own test sentences they agree with people's labels "
        f"{lm.judges_on_real_sentences(COND_JUDGES)} of the time."
    )
h0 = cached_figure(start_state_figure, lm.get_start_states(name), list(LABELS), presenter())
st.plotly_chart(h0, key="write_h0", **charts("first_hidden_state"))
st.caption(
    "The first hidden state h₀ = tanh(W_label · label): made from the one input, the label, before any word. Everything the model "
    "writes afterwards starts from this row; the words it draws are then read back one by one. " + lm.label_reading(name)
)
card_rates = {j: card[j] for j in COND_JUDGES if isinstance(card.get(j), float)}
pathways = lm.get_lm(name).card.get("label_pathways", {})
if card_rates and isinstance(pathways, dict) and pathways:
    st.markdown("**Where the mood comes from.** " + label_pathway_lesson(card_rates, pathways, card.get("samples")))
strength_said = label_strength_lesson(lm.get_lm(name).card.get("label_strength", {}), COND_JUDGES, shipped)
if strength_said:
    st.markdown("**How strongly the label counts.** " + strength_said)
