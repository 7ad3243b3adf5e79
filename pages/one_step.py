"""Inside one step: the one-neuron RNN, its trained weights plugged into the two equations at every word."""

import pandas as pd
import streamlit as st

from rnn_core.explain.one_neuron import input_weight_extremes, strongest_unit, unit_steps
from rnn_core.figures.one_neuron import DIGITS, activation_figure, network_figure, step_equations
from rnn_core.lesson import ONE_STEP_MODELS
from ui.export import trace_downloads
from ui.figures import cached_figure, page_charts, presenter
from ui.messages import fixed_models_note, unknown_words_note
from ui.models import get_model, model_label, model_name, model_problem, own_plain_rnn
from ui.review import review_box, step_slider, trace_or_message

st.title("Inside one step")
st.caption(
    "The smallest RNN there is: one input per dictionary word, one hidden neuron with tanh, one output neuron with "
    "sigmoid. Every number below is its real trained weight or what it computes, so you can check each step by hand."
)
bigger = model_name(ONE_STEP_MODELS["bigger"])
fixed_models_note({"one neuron": ONE_STEP_MODELS["one"], "bigger": ONE_STEP_MODELS["bigger"]})
big = st.toggle(f"Bigger model: {bigger}, the same equations for one of its hidden units", key="one_step_model")
path = ONE_STEP_MODELS["bigger" if big else "one"]
yours = own_plain_rnn()  # a plain RNN this tab trained (Train your own) and picked in the sidebar
if yours and st.toggle(f"The model you trained: {model_label(yours)}", key="one_step_yours"):
    path = yours
name = model_name(path) if path != yours else model_label(yours)
problem = model_problem(path, cell="rnn", head="sigmoid")
if problem:
    (st.warning if problem.missing else st.error)(problem.message)
    if not big and path != yours:
        what = "is still being trained" if problem.missing else "cannot be used"
        st.info(f"The one-neuron network {name} {what}. Switch on the bigger model ({bigger}) above meanwhile.")
    st.stop()
model = get_model(path)
cfg = model.config
H, V = cfg.hidden_size, cfg.vocab_size
acc = model.card.get("test_accuracy")
if isinstance(acc, int | float):
    st.caption(f"{name}: {H} hidden unit{'s' if H > 1 else ''}; {acc * 100:.1f}% of the test reviews right.")

st.subheader("The two equations")
st.latex(r"h_t = \tanh(W_x\,x_t + W_{hh}\,h_{t-1} + b_h) \qquad y_t = \sigma(W_{hy}\,h_t + b_y)")
st.markdown(
    f"- **x_t**: word t as a one-hot vector of {V:,} numbers, a single 1 at the word's dictionary index i, so "
    f"**W_x x_t** is just column i of W_x ({H} × {V:,}): the word's input weight{'s' if H > 1 else ' w_i'}.\n"
    f"- **h_{{t-1}}**: the hidden state after the previous word ({H} number{'s' if H > 1 else ''}; 0 before the first word); "
    f"**W_hh** ({H} × {H}) weighs it, **b_h** ({H}) is the hidden bias.\n"
    f"- **h_t**: the new hidden state, squashed into -1..1 by tanh; it is passed on to the next word.\n"
    f"- **W_hy** (1 × {H}) and **b_y** turn h_t into one number; **σ** (sigmoid) makes it **y_t** = P(positive), "
    "the answer if the review ended at word t."
)
unit = 0
if H > 1:
    if st.session_state.get("one_step_unit", 0) >= H:
        del st.session_state["one_step_unit"]
    unit = st.selectbox(
        "Hidden unit j", range(H), index=strongest_unit(model), key="one_step_unit",
        help="Starts at the unit with the largest output weight |W_hy[j]|: the one whose h moves the answer most.",
    )  # fmt: skip

text = review_box()
charts = page_charts("one_step", text)
tr = trace_or_message(path, text)
if tr is None:
    st.stop()
unknown_words_note(tr)
s = unit_steps(model, tr, unit)
T = s.seq_len

step = step_slider("Word shown in the equations (use ← → to step)", T, key="one_step")
where = f"dictionary index {s.ids[step]}" if s.known[step] else "not in the dictionary: read as <unk>, index " + str(s.ids[step])
st.text(f"Word {step + 1} of {T}: {s.tokens[step]}   ({where})")

st.plotly_chart(cached_figure(network_figure, s, step, V, presenter()), key="one_step_network", **charts("network"))
st.caption(
    "Only the current word's input is 1 (lit), so only its weight reaches the hidden neuron; the other inputs are 0. "
    "The loop carries h from the previous word. From h_t two arrows leave: to the output neuron (the answer now) "
    "and on to the next word. Hover a label for its exact value."
    + ("" if s.single else f" Grey arrows: the other {H - 1} units, which also feed unit {unit} and the output.")
)

eq = step_equations(s, step)
who = "the one neuron" if s.single else f"unit {unit}"
st.markdown(f"**1 · Add up what reaches {who}** (x = 1 for this word, 0 for the rest)")
st.latex(eq["sum"])
st.markdown("**2 · Squash the sum with tanh**")
st.latex(eq["h"])
st.markdown("**3 · Two ways h_t goes**")
now, later = st.columns(2)
now.markdown("Hand it to the output neuron now: the answer if the review ended here")
now.latex(eq["y"])
if not s.single:
    now.caption(f"W_hy·h_t adds all {H} units. Unit {unit}'s share of it:")
    now.latex(eq["share"])
later.markdown("Or pass it on: it becomes h_(t-1) when the next word is read")
later.latex(eq["pass"])

st.plotly_chart(cached_figure(activation_figure, s, step, presenter()), key="one_step_curves", **charts("curves"))
st.caption(
    "Left: tanh turns the sum into h_t (flat beyond about ±3: a large sum cannot push h past ±1). "
    "Right: sigmoid turns the output sum into P(positive); above the dotted line 0.5 the answer is positive. "
    "Large dot: this word; grey dots: the other words of the review."
)

st.subheader("Every step")
table = pd.DataFrame(s.rows())
number_format = {c: st.column_config.NumberColumn(format=f"%.{DIGITS}f") for c in table.columns[3:]}
st.dataframe(table, key="one_step_table", hide_index=True, column_config=number_format, width="stretch")
per_unit = (
    "Every number is the one neuron's."
    if s.single
    else f"Columns with [{unit}] are unit {unit}'s; W_hy·h_t and y_t use all {H} units."
)
st.caption(
    "One row per word; i is the word's dictionary index. h_t = tanh(sum), y_t = σ(W_hy·h_t + b_y) = P(positive). " + per_unit
)
trace_downloads("one_step", text, {"trace": tr})

st.subheader(f"What {who} learned")
up, down = input_weight_extremes(model, unit, k=10)
toward = "positive" if s.w_hy > 0 else "negative"
st.markdown(
    f"Reading a word adds its input weight to the sum. The largest push h_t up, the smallest push it down. "
    f"Its output weight is {'positive' if s.w_hy > 0 else 'negative'}, so a higher h_t moves the answer towards **{toward}**"
    + ("." if s.single else " (the other units move it too).")
)
weight_format = {"weight": st.column_config.NumberColumn(format=f"%.{DIGITS}f")}
left, right = st.columns(2)
left.markdown("**Largest input weights** (push h up)")
left.dataframe(pd.DataFrame(up), key="one_step_up", hide_index=True, column_config=weight_format, width="stretch")
right.markdown("**Smallest input weights** (push h down)")
right.dataframe(pd.DataFrame(down), key="one_step_down", hide_index=True, column_config=weight_format, width="stretch")
