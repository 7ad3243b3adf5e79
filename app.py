"""RNN Lens: the router and the frame (shared sidebar controls). Run: streamlit run app.py"""

import streamlit as st

from pages.common import DEFAULT_MODEL, model_card_line, model_catalogue, model_label, selected_model
from rnn_core.checkpoint import models_dir

st.set_page_config(page_title="RNN Lens", page_icon="🔎", layout="wide")

PAGES = [
    # url_path = the file name: a shared link to /word_by_word then opens without a "Page not found" notice.
    st.Page("pages/home.py", title="Why sequences?", icon=":material/home:", url_path="home", default=True),
    st.Page("pages/word_by_word.py", title="Word by word", icon=":material/text_rotation_none:", url_path="word_by_word"),
    st.Page("pages/one_step.py", title="Inside one step", icon=":material/neurology:", url_path="one_step"),
    st.Page("pages/vanishing.py", title="Vanishing gradients", icon=":material/trending_down:", url_path="vanishing"),
    st.Page("pages/softmax.py", title="Sigmoid vs softmax", icon=":material/stacked_bar_chart:", url_path="softmax"),
]
page = st.navigation(PAGES)

good, broken = model_catalogue()
with st.sidebar:
    st.markdown("### RNN Lens")
    names = list(good)
    if names:
        st.selectbox(
            "Model",
            names,
            index=names.index(DEFAULT_MODEL) if DEFAULT_MODEL in names else 0,
            format_func=model_label,
            key="model",
            bind="query-params",
            persist_state="session",
            help="Every number on every page comes from this trained model (cell, output head, test accuracy).",
        )
        st.caption(model_card_line(selected_model()))
    st.toggle(
        "Presenter mode",
        key="presenter",
        bind="query-params",
        persist_state="session",
        help="Larger type and fewer controls, for a projector.",
    )
    for name, why in broken.items():
        st.warning(f"Model {name} is not offered: {why}", icon="⚠️")

if not good:
    st.error(
        f"No trained model could be loaded from {models_dir()}. Reinstall the app or retrain with `python -m rnn_core.train`."
    )
    st.stop()

if st.session_state.get("presenter"):
    st.html(
        "<style>.stMainBlockContainer p, .stMainBlockContainer li, .stMarkdown {font-size: 1.3rem;}"
        " .stMainBlockContainer h1 {font-size: 3rem;} textarea {font-size: 1.4rem !important;}"
        " .stMainBlockContainer .katex {font-size: 1.5rem;} .stMainBlockContainer [data-testid=stText] {font-size: 1.2rem;}</style>"
    )
page.run()
