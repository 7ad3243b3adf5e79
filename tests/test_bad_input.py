"""Odd input on every page, through AppTest: a clear message or a sensible result, never a stack trace, and the
page keeps working for the next input. Also odd URLs (?review=, ?model=, ?presenter=) and no user markup in the
pages' output.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import MAX_TOKENS, tokenize
from rnn_core.lesson import DEFAULT_MODEL, DEFAULT_REVIEW, EXAMPLE_REVIEWS, LONG_EXAMPLE
from ui.review import MAX_REVIEW_CHARS

from .conftest import ROOT, open_app

PAGES = ["pages/word_by_word.py", "pages/one_step.py", "pages/vanishing.py", "pages/softmax.py"]
# The chart that shows the review's own numbers, one per page (the softmax page draws one per available model).
REVIEW_CHARTS = {
    "pages/word_by_word.py": ["word_by_word_chart"],
    "pages/one_step.py": ["one_step_network"],
    "pages/vanishing.py": ["vanishing_heatmap"],
    "pages/softmax.py": ["heads_sigmoid_chart", "heads_sigmoid3_chart", "heads_softmax_chart"],
}
NEXT = "a wonderful film"  # after each odd input: the page must still read an ordinary review

NO_WORDS = "There are no words to read"
TOO_LONG = "Please shorten it"
MESSAGES = {
    "empty": ("", NO_WORDS),
    "whitespace only": (" \n\t\u00a0\u2003 ", NO_WORDS),
    "100,000 characters": ("great acting. " * 7_143, TOO_LONG),
    "5,000 words": (" ".join(["good"] * 5_000), TOO_LONG),
    "5,000 short words under the character limit": (" ".join(["a"] * 5_000), f"the limit is {MAX_TOKENS}"),
}
RESULTS = {
    "emoji only": "😀🎬🍿👍🏽❤️",
    "right-to-left scripts": "הסרט היה נהדר والتمثيل رائع",
    "control characters and NUL": "good\x00movie\x07\x1b[31m\u202egreat\ufeff\r\n\x7f",
    "script tag": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "only unknown words": "zxqv blorftastic quixotrobe flibbertigibbetish",
}


def messages(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning, *at.error])


def review_charts(at: AppTest, page: str) -> list[dict]:
    found = [at.get_by_key(k) for k in REVIEW_CHARTS[page] if any(c.key == k for c in at.get("plotly_chart"))]
    return [json.loads(c.proto.spec) for c in found]


def open_page(page: str, query: dict | None = None) -> AppTest:
    """The page, reached through the router, with the review box showing (and, on Sigmoid vs softmax, in use)."""
    at = open_app(page, query)
    if page.endswith("softmax.py"):
        at.radio(key="heads_source").set_value("The shared review").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def pages() -> dict[str, AppTest]:
    """One running app per page, reused by the inputs below (each test sets its own review)."""
    return {page: open_page(page) for page in PAGES}


def enter(at: AppTest, text: str) -> None:
    # set_value, as a paste would arrive: AppTest's input() drops text longer than the box's max_chars,
    # while a browser cuts it to fit, and the server cuts it again on the way in.
    at.text_area(key="review").set_value(text).run()


def next_input_works(at: AppTest, page: str) -> None:
    enter(at, NEXT)
    assert not at.exception, at.exception
    assert review_charts(at, page), f"{page}: no chart for an ordinary review after odd input"
    assert NO_WORDS not in messages(at) and TOO_LONG not in messages(at)


@pytest.mark.parametrize("name", list(MESSAGES))
def test_odd_input_gets_a_clear_message_and_the_page_keeps_working(pages, name):
    text, expected = MESSAGES[name]
    for page, at in pages.items():
        enter(at, text)
        assert not at.exception, f"{page}: {at.exception}"
        assert expected in messages(at), f"{page}: {messages(at)!r}"
        assert not review_charts(at, page), f"{page}: a chart for text that was refused"
        assert len(at.text_area(key="review").value) <= MAX_REVIEW_CHARS
        next_input_works(at, page)


@pytest.mark.parametrize("name", list(RESULTS))
def test_odd_input_gets_a_sensible_result_and_the_page_keeps_working(pages, name):
    text = RESULTS[name]
    tokens = tokenize(text)
    assert tokens and all(t.isprintable() and t.strip() == t for t in tokens)  # no control characters reach the page
    for page, at in pages.items():
        enter(at, text)
        assert not at.exception, f"{page}: {at.exception}"
        assert not at.error and NO_WORDS not in messages(at), f"{page}: {messages(at)!r}"
        charts = review_charts(at, page)
        assert charts, f"{page}: no chart for {name}"
        if page.endswith("word_by_word.py"):
            assert len(charts[0]["frames"]) == len(tokens)  # one step per word, as for any review
        unknown = " ".join(c.value for c in at.caption if "read as `<unk>`" in c.value)
        if name in ("emoji only", "only unknown words", "right-to-left scripts"):
            for word in {t for t in tokens if t.isalpha() or not t.isascii()}:
                assert word in unknown, f"{page}: {word!r} not named as unknown"
        said_nothing_known = any("No word of this text is in the dictionary" in i.value for i in at.info)
        assert said_nothing_known == (name in ("emoji only", "only unknown words", "right-to-left scripts")), f"{page}: {name}"
        next_input_works(at, page)


@pytest.mark.parametrize(
    "query, review",
    [
        ({}, DEFAULT_REVIEW),  # missing: the default review
        ({"review": ["the plot", "a wonderful film"]}, "a wonderful film"),  # given twice: the last one
        ({"review": "<script>alert(1)</script>\x00 great", "model": "no-such-model", "presenter": "banana"}, None),
        ({"model": "../../etc/passwd", "step": "-7", "one_step": "1e9", "foo": "%ZZ"}, DEFAULT_REVIEW),
        ({"review": "great acting. " * 20_000}, None),  # far too long: cut to the box, then a message
    ],
    ids=["missing", "repeated", "markup-and-nonsense", "unknown-and-malformed", "far-too-long"],
)
def test_odd_query_parameters(query, review):
    for page in ["pages/home.py", *PAGES]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        assert at.session_state["model"] == DEFAULT_MODEL  # a model that is not offered falls back to the default
        if page.endswith("home.py"):
            continue
        at = open_page(page, query)
        box = at.text_area(key="review").value
        assert len(box) <= MAX_REVIEW_CHARS
        if review is not None:
            opens_long = page.endswith("vanishing.py") and review == DEFAULT_REVIEW  # the page opens on a long review
            assert box == (EXAMPLE_REVIEWS[LONG_EXAMPLE] if opens_long else review)
        if isinstance(query.get("review"), str) and len(query["review"]) > MAX_REVIEW_CHARS:
            assert TOO_LONG in messages(at)
        next_input_works(at, page)


# ---- No markup from users -------------------------------------------------------------------------------------

MARKUP = (
    '<script>alert(1)</script> <img src=x onerror=alert(1)> <b id="zq">bold</b> **strong** _em_ '
    "[link](javascript:alert(1)) `code` $x^2$ # title | a | b | ~~gone~~ &lt; &amp; <!-- c --> zqxunknown"
)
# What the app's own HTML uses for colour and layout; user text must only ever be text inside these.
APP_TAGS = {"div", "span", "br", "style"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def unescaped_markup(body: str) -> list[str]:
    """Pieces of a markdown body that a renderer would take as markup rather than text."""
    body = re.sub(r"`[^`]*`", "", body)  # code spans show their content as it is
    body = re.sub(r"\\.", "", body)  # backslash-escaped characters are text
    found = re.findall(r"<[A-Za-z/!?][^>]*>?", body) + re.findall(r"\]\(|!\[|javascript:", body)
    for quoted in re.findall(r"“([^”]*)”", body):  # user words are shown in curly quotes: nothing special may remain
        found += [ch for ch in quoted if ch in "*_[]()#|~$<>`!"]
    return found


def plotly_strings(node, key: str = "") -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in ("hovertemplate", "texttemplate") for s in plotly_strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in plotly_strings(v, key)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize("page", PAGES)
def test_user_text_is_never_markup(pages, page):
    at = pages[page]
    enter(at, MARKUP)
    assert not at.exception, at.exception
    assert review_charts(at, page)
    for html in at.get("html"):
        parsed = Tags()
        parsed.feed(html.proto.body)
        assert parsed.tags <= APP_TAGS, f"{page}: tags {parsed.tags - APP_TAGS} in {html.proto.body[:300]}"
        assert parsed.attrs <= {"style", "title"}, f"{page}: attributes {parsed.attrs}"
        stray = re.findall(r".{0,40}<(?![A-Za-z/!]).{0,20}", html.proto.body)  # a "<" that starts no tag: unescaped text
        assert not stray, f"{page}: {stray}"
    shown = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.title, *at.header, *at.subheader]
    bodies = [e.value for e in shown]
    for body in bodies:
        assert not unescaped_markup(body), f"{page}: {unescaped_markup(body)} in {body[:300]!r}"
    for chart in at.get("plotly_chart"):
        for text in plotly_strings(json.loads(chart.proto.spec)):
            assert not re.search(r"<(?!br>|br/>|/?b>|/?i>|/?sup>|/?sub>|extra>)[A-Za-z/]", text), f"{page}: {text[:200]!r}"
    next_input_works(at, page)
