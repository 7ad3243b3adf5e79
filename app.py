"""RNN Lens: the router and the frame (shared sidebar controls). Run: streamlit run app.py"""

import streamlit as st

from ui.frame import sidebar

st.set_page_config(page_title="RNN Lens", page_icon="🔎", layout="wide")

PAGES = [
    # url_path = the file name: a shared link to /word_by_word then opens without a "Page not found" notice.
    st.Page("pages/home.py", title="Why sequences?", icon=":material/home:", url_path="home", default=True),
    st.Page("pages/word_by_word.py", title="Word by word", icon=":material/text_rotation_none:", url_path="word_by_word"),
    st.Page("pages/one_step.py", title="Inside one step", icon=":material/neurology:", url_path="one_step"),
    st.Page("pages/vanishing.py", title="Vanishing gradients", icon=":material/trending_down:", url_path="vanishing"),
    st.Page("pages/softmax.py", title="Sigmoid vs softmax", icon=":material/stacked_bar_chart:", url_path="softmax"),
    st.Page("pages/shapes.py", title="RNN shapes", icon=":material/account_tree:", url_path="shapes"),
    st.Page("pages/completion.py", title="Text completion", icon=":material/edit_note:", url_path="completion"),
    st.Page("pages/explorer.py", title="Hidden-state explorer", icon=":material/scatter_plot:", url_path="explorer"),
    st.Page("pages/train.py", title="Train your own", icon=":material/model_training:", url_path="train"),
]
page = st.navigation(PAGES)
if not sidebar():
    st.stop()
page.run()
