"""Streamlit glue the pages share: caching, the shared review and model, messages."""
