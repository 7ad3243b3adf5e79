"""Text completion: the next word after each word, a completion drawn word by word, and the article's forgetting example."""

import streamlit as st

from rnn_core import MAX_TOKENS, TextError
from rnn_core.explain.completion import COMPLETION_WORDS, TOP_K
from rnn_core.explain.forgetting import forgetting_lesson
from rnn_core.figures.gradients import influence_heatmap
from rnn_core.figures.shapes import clue_influence_figure, forgetting_figure, next_words_bars, next_words_table
from rnn_core.lesson import COMPLETION_START, FORGETTING_CASES
from rnn_core.model.language import MAX_TEMPERATURE, MIN_TEMPERATURE
from rnn_core.text.tokenizer import detokenize, readable
from ui import language as lm
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import as_plain, fixed_models_note

TOP_KS = (0, 1, 3, 5, 10, 40, 100, 1000)  # 0: every word may be drawn
TABLE_ROWS = 40  # steps in the every-step table (26 px each)

st.title("Text completion")
st.caption(
    "A language model is the many-to-many shape: after every word it answers “which word comes next?” with a softmax "
    "over all 10,001 entries of its dictionary (the 10,000 words and the end of the sentence). The plain RNN and the "
    "LSTM below read the same words; both learned from the treebank's training sentences alone."
)
models, missing = lm.lm_models()
fixed_models_note({label: name for label, name in models.items()}, missing)
if not models:
    st.stop()
text = st.text_input("The beginning of a sentence", key="start", bind="query-params", max_chars=3_000,
                     help=f"Any English words, up to {MAX_TOKENS}; empty: the models start a sentence.",
                     **lm.bound("start", COMPLETION_START))  # fmt: skip
try:
    tables = {label: lm.get_next_words(name, text) for label, name in models.items()}
except TextError as err:
    st.info(str(err))
    st.stop()
first = next(iter(tables.values()))
charts = page_charts("completion", text)
unknown = [w for w, known in zip(first.words, first.known) if not known]
if unknown:
    st.caption("Not in the dictionary, read as `<unk>`: " + ", ".join(f"“{as_plain(w)}”" for w in dict.fromkeys(unknown)))
if not first.tokens:
    st.info("No words yet: the models predict the first word of a sentence, after the start mark.")

st.subheader("1 · The next word, after each word")
steps = first.steps
step = st.select_slider("After", options=list(range(len(steps))), value=len(steps) - 1, key=f"completion_step_{len(steps)}",
                        format_func=lambda i: f"{i}. {steps[i]}")  # fmt: skip
for column, (label, table) in zip(st.columns(len(tables)), tables.items()):
    bars = cached_figure(next_words_bars, table.top_words[step], table.top_probs[step], steps[step], label, presenter=presenter())
    column.plotly_chart(bars, key=f"completion_bars_{label}", **charts(f"next_words_{label}"))
st.caption(
    f"The {TOP_K} most probable next words and their probabilities, from one softmax over all 10,001 entries (grey: "
    "all the others together); the probabilities of all entries add up to 1. Why softmax and not a sigmoid per word:"
)
st.page_link("pages/softmax.py", label="Sigmoid vs softmax", icon=":material/stacked_bar_chart:")
with st.expander("Every step at once: the top 10 after each word (bold: the word that came next)", expanded=False):
    shown = slice(max(0, len(steps) - TABLE_ROWS), None)  # the last steps of a long beginning: rows stay readable
    if shown.start:
        st.caption(f"The last {TABLE_ROWS} steps of {len(steps)}; the slider above reaches every step.")
    for label, table in tables.items():
        came = [*table.words, None][shown]
        fig = cached_figure(next_words_table, table.steps[shown], table.top_words[shown], table.top_probs[shown], came, label,
                            presenter(), first=shown.start)  # fmt: skip
        st.plotly_chart(fig, key=f"completion_table_{label}", **charts(f"every_step_{label}"))
    said = "; ".join(f"{label}: {t.word_probs.mean():.3f}" for label, t in tables.items() if len(t.word_probs))
    if said:
        st.caption(f"Mean probability each model gave to the word that did come next: {said}.")

st.subheader("2 · Complete the sentence")
DEFAULT = {"temperature": 1.0, "top_k": 0, "seed": 0}
notes = [lm.url_number("temperature", 0.0, MAX_TEMPERATURE, "temperature", DEFAULT["temperature"]),
         lm.url_number("seed", 0, lm.MAX_SEED, "seed", DEFAULT["seed"]),
         lm.url_number("top_k", 0, 1000, "top-k", DEFAULT["top_k"])]  # fmt: skip
left, middle, right = st.columns(3)
temperature = left.slider("Temperature", 0.0, MAX_TEMPERATURE, step=0.1, key="temperature", bind="query-params",
                          help="The logits are divided by it before the softmax: low = the likeliest words, high = "
                          "surprising ones.", **lm.bound("temperature", DEFAULT["temperature"]))  # fmt: skip
top_k = middle.select_slider("Top-k", TOP_KS, key="top_k", bind="query-params", format_func=lambda k: "all" if k == 0 else str(k),
                             help="Draw only among the k most probable words.", **lm.bound("top_k", DEFAULT["top_k"]))  # fmt: skip
seed = right.number_input("Seed", 0, lm.MAX_SEED, step=1, key="seed", bind="query-params",
                          help="The same seed draws the same words: the link keeps it.", **lm.bound("seed", DEFAULT["seed"]))  # fmt: skip
for note in notes:
    if note:
        st.warning(note, icon="🔗")
if temperature < MIN_TEMPERATURE:
    st.caption(f"Temperature {temperature:g} would divide by zero: {MIN_TEMPERATURE:g} is used (every logit divided by "
               f"{MIN_TEMPERATURE:g}: the gaps between words grow {1 / MIN_TEMPERATURE:g}-fold).")  # fmt: skip
if st.button("Complete", key="complete", icon=":material/edit:", type="primary"):
    st.query_params["completed"] = "1"  # the link opens with the completion shown
if "completed" in st.query_params or "seed" in st.query_params:
    for column, (label, name) in zip(st.columns(len(models)), models.items()):
        done = lm.get_completion(name, text, COMPLETION_WORDS, float(temperature), int(top_k), int(seed))
        box = column.container(key=f"completion_{name}")
        box.markdown(f"**{label}** ({as_plain(name)})")
        box.markdown(f"{as_plain(detokenize(first.tokens))} **{as_plain(done.sentence)}**")
        box.caption(
            "It ended the sentence (drew `<eos>`)." if done.ended else f"{COMPLETION_WORDS} words drawn; the sentence goes on."
        )
    kept = lm.link_holds({"temperature": temperature, "top_k": top_k, "seed": seed}, DEFAULT)
    st.caption(f"Drawn word by word with temperature {max(temperature, MIN_TEMPERATURE):g}, top-k "
               f"{'all' if not top_k else top_k}, seed {seed}: "
               + ("the address bar keeps these, so the link writes the same words." if kept else
                  "the link in the address bar does not hold them all yet; move a control once, then copy it."))  # fmt: skip

st.subheader("3 · The article's forgetting example, measured")
case_key = st.radio("Sentence", list(FORGETTING_CASES), horizontal=True, key="forgetting_case")
result = lm.get_forgetting(case_key, tuple(models.items()))
case = result.case
target, cue, swap = readable(case.target), readable(case.cue), readable(case.swap)
st.markdown(f"The right next word is {case.name('target')}; it depends on {case.name('cue')} early on. Each version puts "
            f"more words between them. Control: the same sentences with {case.name('swap')} in its place.")  # fmt: skip
right_p = {label: m.right for label, m in result.models.items()}
swapped_p = {label: m.swapped for label, m in result.models.items()}
fig = cached_figure(forgetting_figure, result.distances, right_p, swapped_p, target, swap, presenter())
st.plotly_chart(fig, key="forgetting_probs", **charts("forgetting_probs"))
for line in forgetting_lesson(result):
    st.markdown(line)
shares = {label: m.cue_share for label, m in result.models.items()}
st.plotly_chart(
    cached_figure(clue_influence_figure, result.distances, shares, cue, presenter()),
    key="forgetting_clue",
    **charts("forgetting_clue"),
)
version = st.select_slider("Words between", options=list(range(len(result.distances))), key="forgetting_version",
                           format_func=lambda n: str(result.distances[n]))  # fmt: skip
st.caption(as_plain(result.texts[version]) + " …")
rows = {label: m.influence[version] for label, m in result.models.items()}
st.plotly_chart(
    influence_heatmap(result.tokens[version], rows, presenter=presenter()),
    key="forgetting_heatmap",
    **charts("forgetting_heatmap"),
)
st.caption(
    "Influence of each word on the right word's logit after the last word: the norm of its gradient with respect to the "
    "word's input column, one backward pass (the measure of the Vanishing-gradients page), each row over its largest."
)
