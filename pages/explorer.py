"""Hidden-state explorer: where a review travels through the state space, what each unit responds to, and the
training sentences whose final state lies nearest."""

import streamlit as st

from rnn_core.explain.atlas import unit_lines, unit_meaning, unit_report, unit_word_rows
from rnn_core.explain.treebank_states import NEIGHBOURS, neighbour_rows, unit_context_rows
from rnn_core.figures.atlas import unit_figure
from rnn_core.lesson import ORDER_PAIR
from ui import atlas as ua
from ui.export import trace_downloads
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import unknown_words_note
from ui.models import get_model, model_label, selected_model
from ui.review import open_on, review_box, trace_or_message

st.title("Hidden-state explorer")
st.caption(
    "After every word the network's memory is a list of numbers, one per hidden unit: a point in a space with one "
    "axis per unit. Below: where a review travels in that space, what each unit responds to, and which training "
    "sentences end in a similar state."
)
model_name = selected_model()
model = get_model(model_name)
st.caption(f"Model: {model_label(model_name)} (the sidebar's choice).")
if open_on(ORDER_PAIR[0], "explorer_opened"):
    st.info(f"This page opens on a pair of reviews with the same words in two orders: “{ORDER_PAIR[0]}” and “{ORDER_PAIR[1]}”.")
text = review_box()
tr = trace_or_message(model_name, text)
if tr is None:
    st.stop()
unknown_words_note(tr)
second = ua.second_review_box()
tr2 = trace_or_message(model_name, second) if second else None
texts = (text,) if tr2 is None else (text, second)
one_unit = tr.hidden.shape[1] == 1
charts = page_charts("explorer", text)  # each chart's download is named after the page, the chart and the review

st.subheader("1 · The state map")
status = ua.get_atlas_status(model_name)
if status.atlas is None:
    run = f" Run `{status.command}` (seconds) and reload this page." if status.command else ""
    st.warning(
        f"{status.problem} The map needs the model's atlas.{run} The other sections work without it.", icon=":material/map:"
    )
else:
    a = status.atlas
    zoom = st.toggle("Zoom in on the reviews", key="explorer_zoom", help="Fit the map to the paths instead of all the dots.")
    st.plotly_chart(ua.state_map(model_name, texts, zoom, presenter()), key="explorer_map", **charts("map"))
    st.caption(
        f"Each dot is the hidden state after one word of a training sentence ({len(a.sample_xy):,} drawn at random from "
        f"the {a.states:,} states of {a.sentences:,} sentences), coloured by the model's answer there. The two axes are "
        f"the directions in which those states vary most (PCA): axis 1 holds {a.basis.explained[0]:.0%} of their "
        f"variance and axis 2 {a.basis.explained[1]:.0%}, both turned to point towards “positive”; the rest of the "
        "variance is not shown, so two states may lie close here and far apart in the full space. Each review starts at "
        "h₀ = 0 and moves one arrow per word; press ▶ Play to draw the paths word by word."
        + (" This model has one unit, so its map is a line." if one_unit else "")
    )

st.subheader("2 · Every unit along the review")
st.plotly_chart(
    ua.unit_atlas(model_name, text, ua.current_unit(model_name), presenter()),
    key=ua.ATLAS_CHART_KEY,
    on_select=ua.pick_from_atlas,
    selection_mode="points",
    **charts("units"),
)
st.caption(
    "One small chart per hidden unit: its value h after each word of the first review, from -1 (bottom of its box) to "
    "+1 (top); dotted line: 0. Units with the largest weights to the output come first; the number is the weight "
    "towards “positive”. Blue units push the answer towards positive while above 0, orange ones towards negative. A "
    "unit that moves with the sentiment words tracks sentiment; one that jumps at commas or creeps along word after "
    "word tracks punctuation or position. Click a line to inspect its unit."
)

st.subheader("3 · One unit up close")
unit = ua.unit_picker(model_name)
st.markdown(unit_meaning(unit_report(model, tr, unit)))
lines = unit_lines(tr, unit)
fig = cached_figure(unit_figure, tr.words, unit, lines.hidden, lines.gates, lines.candidate, lines.memory, presenter=presenter())
st.plotly_chart(fig, key="explorer_unit_chart", **charts(f"unit-{unit}"))
st.caption(
    f"Unit {unit}'s h after each word of the first review, on the fixed scale -1..1."
    + (
        " Below: its gates, on 0..1 (a gate at 0 closes, at 1 lets through); dotted: the candidate value the cell may "
        "take in." + (" Hover for the memory cell c, which is not bounded." if lines.memory is not None else "")
        if lines.gates
        else ""
    )
)
ts = ua.get_treebank_states(model_name)
st.markdown(f"**Dictionary words that drive unit {unit} highest and lowest**, each read alone from h₀ = 0:")
ua.table(st, unit_word_rows(ua.get_unit_words(model_name), unit, model.vocab.itos), key="explorer_words")
st.markdown(f"**Where unit {unit} is highest and lowest in the training sentences** (at the last word shown):")
if ts is None:
    st.caption("This needs the treebank's training sentences: see section 4.")
else:
    ua.table(st, unit_context_rows(ts, unit), key="explorer_contexts")

st.subheader("4 · The nearest training sentences")
if ts is None:
    ua.treebank_missing_note()
else:
    ua.table(st, neighbour_rows(ts, tr.hidden[-1], tr.head, tr.classes), key="explorer_neighbours")
    st.caption(
        f"The {NEIGHBOURS} of the {len(ts.final):,} training sentences whose hidden state after their last word "
        "points most nearly the same way as the first review's (cosine similarity: 1 = the same direction), with the treebank's label "
        "(0 = very negative … 4 = very positive) and this model's answer to them."
        + (" With one unit, cosine only knows the sign: every state on the same side ties at 1." if one_unit else "")
    )
trace_downloads("explorer", text, {"trace": tr} | ({"second review trace": tr2} if tr2 is not None else {}))
