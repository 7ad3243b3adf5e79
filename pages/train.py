"""Train your own: a small recurrent network learns while you watch, and the memory task where a plain RNN fails."""

import streamlit as st

from rnn_core.figures.training import memory_reference_figure
from rnn_core.model.live import LIMITS, LiveConfig, clamped
from ui.figures import CHART, cached_figure, presenter
from ui.training import memory_reference, show_job, start_training

st.title("Train your own")
st.caption(
    "Pick a task and a network, press Train, and watch it learn: loss and accuracy on the training data and on data it "
    "never trains on, and how much gradient reaches the first and the last word. One training runs at a time on this "
    "server; yours waits its turn if others are training."
)

st.subheader("The memory task, measured")
reference = memory_reference()
if reference is None:
    st.info("The reference results are not shipped yet: run `python -m rnn_core.memory_task` to make them.")
else:
    st.plotly_chart(cached_figure(memory_reference_figure, *reference.figure_args, presenter()), key="train_reference", **CHART)
    st.markdown(reference.lesson)
    st.caption(reference.caption)

st.subheader("Your turn")
left, right = st.columns(2)
task = left.radio("Task", ["memory", "sentiment"], key="train_task", horizontal=True, bind="query-params",
                  format_func={"memory": "Memory: the first word decides", "sentiment": "Sentiment: treebank phrases"}.get)  # fmt: skip
cell = left.radio("Cell", ["rnn", "lstm", "gru"], key="train_cell", horizontal=True, bind="query-params",
                  format_func=str.upper)  # fmt: skip
fillers = left.slider("L: filler words after the first", *LIMITS["fillers"], value=20, key="train_fillers",
                      bind="query-params", disabled=task != "memory")  # fmt: skip
hidden = right.slider("Hidden units", *LIMITS["hidden_size"], value=16, key="train_hidden", bind="query-params")
lr = right.select_slider("Learning rate (Adam)", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1], value=3e-3, key="train_lr",
                         format_func=lambda v: f"{v:g}", bind="query-params")  # fmt: skip
epochs = right.slider("Epochs", *LIMITS["epochs"], value=15, key="train_epochs", bind="query-params")
cfg, notes = clamped(LiveConfig(task=task, cell=cell, hidden_size=hidden, lr=lr, epochs=epochs, fillers=fillers))
for note in notes:
    st.warning(note)
st.button("Train", key="train_start", type="primary", on_click=start_training, args=(cfg,), icon=":material/play_arrow:")
show_job()
