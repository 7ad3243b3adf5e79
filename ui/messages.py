"""Messages the pages share: the verdict, unknown words, and user text shown safely as text."""

from __future__ import annotations

import streamlit as st

from rnn_core import Trace
from rnn_core.figures.style import CLASS_COLORS, class_label
from rnn_core.lesson import Example
from rnn_core.text.tokenizer import is_punctuation, readable

from .figures import presenter
from .models import model_name

_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


def as_plain(text: str) -> str:
    """User text made safe for st.markdown / st.caption: every markdown character escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def verdict(tr: Trace, half: bool = False) -> None:
    """The review's answer after its last word, large, with colour and symbol (``half``: in half the page's width)."""
    label = tr.final_class
    k = 0 if tr.head == "sigmoid" else tr.classes.index(label)
    what = "P(positive)" if tr.head == "sigmoid" else f"P({label})"
    size = {(False, False): "2rem", (True, False): "3rem", (False, True): "1.35rem", (True, True): "2rem"}[(presenter(), half)]
    st.html(
        f'<div style="font-size:{size};font-weight:700;color:{CLASS_COLORS[label]}">Verdict: {class_label(label)}'
        f' <span style="font-weight:400;font-size:0.6em;color:#333">{what} = {tr.probs[-1][k]:.3f}</span></div>'
    )


def unknown_words_note(tr: Trace) -> None:
    """Say which words the model has never seen (they all share the <unk> column)."""
    every_unknown = tr.unknown_tokens
    unknown = list(dict.fromkeys(every_unknown))
    if unknown:
        shown = ", ".join(f"“{as_plain(w)}”" for w in unknown[:12]) + (" …" if len(unknown) > 12 else "")
        st.caption(f"Not in the 10,000-word dictionary, read as `<unk>`: {shown}")
    known = [t for t, k in zip(tr.tokens, tr.known) if k]
    if known and all(is_punctuation(t) for t in known):
        marks = " ".join(dict.fromkeys(f"“{as_plain(readable(t))}”" for t in known))
        st.info(
            f"Only punctuation was read ({marks}): no word of this text is in the 10,000-word dictionary. The answer, "
            f"P(positive) = {tr.probs[-1][-1]:.3f}, shows what the network makes of punctuation alone, not of a review."
        )
    if len(every_unknown) == len(tr.tokens):
        st.info(
            "No word of this text is in the dictionary, so the network reads the same `<unk>` column at every step: "
            "the answer shows what it learned for unknown words, not what the text says. Try words in English."
        )


def example_note(title: str, example: Example, verdicts: dict[str, tuple[float, str]]) -> None:
    """What an example review shows, what a reader calls it, and what each cell model says of it now."""
    said = " · ".join(f"{label} {'✓' if cls == example.reader else '✗'} {p:.2f}" for label, (p, cls) in verdicts.items())
    reader = f" A reader calls it {class_label(example.reader)}; P(positive) now: {said}." if example.reader else ""
    st.caption(f"**{as_plain(title)}**: {as_plain(example.watch)}{reader}")


def fixed_models_note(models: dict[str, str], missing: list[str] | None = None) -> None:
    """Name the fixed models a page uses (not the sidebar's), and those that could not be loaded."""
    if models:
        names = ", ".join(f"{label} = {as_plain(model_name(name))}" for label, name in models.items())
        st.caption(f"This page always uses these models, whatever the sidebar says: {names}.")
    for name in missing or []:
        st.warning(f"The model {name} could not be loaded, so it is left out of this page.", icon="⚠️")
    if not models:
        st.error("None of this page's models could be loaded.")
