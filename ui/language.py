"""The language models, loaded once per server process, and cached next words, completions and the forgetting example.

The Streamlit boundary: rnn_core computes, this module caches and reads the URL.
"""

from __future__ import annotations

import streamlit as st

from rnn_core import ModelFileError, lesson, load_vocab
from rnn_core.explain.completion import Completion, NextWords, complete, judge, next_words, start_states
from rnn_core.explain.forgetting import Case, Forgetting, forgetting
from rnn_core.model.language import (
    MAX_SENTENCE,
    WRITE_TEMPERATURE,
    WRITE_UNKNOWN,
    LanguageRNN,
    at_strength,
    load_language_model,
    resolve_lm_path,
)

from .models import _set_threads, get_model
from .router import through_the_router

MAX_SEED = 2**31 - 1  # seeds a link may carry (torch takes 64 bits; links stay short)


def get_lm(name: str) -> LanguageRNN:
    """A language model by name (assets/lm) or path, shared by every session (read-only). Raises ModelFileError."""
    through_the_router()
    return _load_lm(str(resolve_lm_path(name)))


@st.cache_resource(show_spinner="Loading the language model...")
def _load_lm(path: str) -> LanguageRNN:
    _set_threads()
    return load_language_model(path, load_vocab())


def lm_problem(name: str) -> str | None:
    """Why a language model cannot be used (not there yet, damaged, foreign), or None if it loads."""
    try:
        get_lm(name)
    except ModelFileError as err:
        return f"{name} is not in assets/lm yet" if not resolve_lm_path(name).is_file() else str(err)
    return None


def lm_models() -> tuple[dict[str, str], list[str]]:
    """The compared language models that load, {"RNN": "lm-rnn", ...}, and the names of those that do not."""
    ready = {label: name for label, name in lesson.LM_MODELS.items() if lm_problem(name) is None}
    return ready, [name for name in lesson.LM_MODELS.values() if name not in ready.values()]


def cond_model() -> tuple[str | None, str | None]:
    """The conditional model's name, or None and why it cannot be used."""
    problem = lm_problem(lesson.COND_MODEL)
    return (None, problem) if problem else (lesson.COND_MODEL, None)


@st.cache_data(max_entries=512, show_spinner=False)
def get_next_words(name: str, text: str, label: int | None = None) -> NextWords:
    return next_words(get_lm(name), text, label=label)


@st.cache_data(max_entries=512, show_spinner=False)
def get_completion(name: str, text: str, max_words: int, temperature: float, top_k: int, seed: int,
                   label: int | None = None) -> Completion:  # fmt: skip
    return complete(get_lm(name), text, max_words, temperature, top_k, seed, label)


def judges_on_real_sentences(judges: tuple[str, ...]) -> str:
    """'82% (rnn-sst2) and 86% (gru-sst2)': how often each judge agrees with people on the treebank's test sentences,
    from its card."""
    rates = [(j, get_model(j).card.get("test_accuracy")) for j in judges]
    return " and ".join(f"{acc:.0%} ({j})" for j, acc in rates if isinstance(acc, int | float))


def reads_label_each_step(name: str) -> bool:
    return bool(get_lm(name).reads_label_each_step)


def label_reading(name: str) -> str:
    """How the conditional model reads its label after h_0, in a sentence for the page."""
    if not reads_label_each_step(name):
        return "The label is not read again: after h₀ only the words carry it."
    strength = get_lm(name).config.label_strength
    counted = "" if strength == 1 else f", counted {strength:g} times as shipped,"
    return (
        f"The label is read again at every step: its vector (W_lx) is added to each word's and its bias (b_label){counted} "
        "to each step's scores, so every next-word choice depends on the label directly, however long the sentence."
    )


@st.cache_data(max_entries=256, show_spinner=False)
def get_written(name: str, label: int, seed: int, strength: float) -> Completion:
    """A sentence the conditional model writes from a label (at WRITE_TEMPERATURE, never <unk>), its label's bias
    counted ``strength`` times."""
    return complete(at_strength(get_lm(name), strength), "", MAX_SENTENCE, WRITE_TEMPERATURE, 0, seed, label, WRITE_UNKNOWN)


def times(strength: float) -> str:
    """'once', '1.2 times': how many times the label's bias counts, in words."""
    return "once" if strength == 1 else f"{strength:g} times"


def label_strength(name: str) -> float:
    """How many times the conditional model's label bias counts, as shipped (1 for a model without that bias)."""
    model = get_lm(name)
    return float(model.config.label_strength) if model.reads_label_each_step else 1.0


@st.cache_data(max_entries=512, show_spinner=False)
def get_judgement(model_name: str, tokens: tuple[str, ...]) -> tuple[float, str]:
    """A sentiment model's P(positive) for a written sentence and the class it stands for."""
    return judge(get_model(model_name), list(tokens))


@st.cache_data(max_entries=8, show_spinner=False)
def get_start_states(name: str):
    """The conditional model's h_0 for each label, (labels, H)."""
    return start_states(get_lm(name))


@st.cache_data(max_entries=16, show_spinner="Reading the sentence at growing lengths...")
def get_forgetting(case_key: str, names: tuple[tuple[str, str], ...]) -> Forgetting:
    """The forgetting example ``case_key`` of the lesson through the models ((label, name), ...)."""
    return forgetting({label: get_lm(name) for label, name in names}, Case(**lesson.FORGETTING_CASES[case_key]))


def url_number(key: str, low: float, high: float, what: str, default: float) -> str | None:
    """On a tab's first run, check ?key=... before its bound widget reads it: a number outside low..high is clamped,
    one that is not a number is replaced by ``default`` (else the widget reads what it can of it: 12.7 as 12), in
    the widget's state. Returns what to tell the reader."""
    raw = st.query_params.get(key)
    if raw is None or key in st.session_state:
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        value = float("nan")
    if value != value:  # not a number (NaN included)
        st.session_state[key] = default
        kind = "a whole number" if isinstance(low, int) else "a number"
        return f"The {what} in the link (“{raw}”) is not {kind}; the default is used instead."
    if isinstance(low, int) and value != int(value) and low <= int(value) <= high:  # the widget reads 12.7 as 12
        st.session_state[key] = int(value)
        return f"The {what} in the link ({_plain(value)}) is not a whole number; {int(value)} is used instead."
    if low <= value <= high:
        return None
    st.session_state[key] = used = type(low)(min(max(value, low), high))
    return f"The {what} in the link ({_plain(value)}) is outside {_plain(low)} to {_plain(high)}; {_plain(used)} is used instead."


def link_holds(values: dict, defaults: dict) -> bool:
    """Whether the address bar holds every value that is not its default (bound widgets leave defaults out, and a
    value put in place of a bad one in the link stays out until the reader moves that control)."""
    return all(value == defaults[key] or key in st.query_params for key, value in values.items())


def _plain(number: float) -> str:
    """A number as people write it: 2147483647, not 2.14748e+09; 1e+99 stays short."""
    return f"{number:,.0f}".replace(",", "") if float(number).is_integer() and abs(number) < 1e15 else f"{number:g}"


def bound(key: str, default) -> dict:
    """A bound widget's ``value`` argument: the default, unless url_number already put a value in its state."""
    return {} if key in st.session_state else {"value": default}
