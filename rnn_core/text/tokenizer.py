"""Text to tokens, the way the Stanford Sentiment Treebank writes them.

The treebank was tokenised Penn-Treebank style: punctuation split off,
contractions split ("it's" -> "it 's", "don't" -> "do n't", "can't" ->
"ca n't"), round brackets written -LRB- / -RRB-, double quotes `` and '',
slashes escaped as \\/. Typed reviews go through the same steps (and are
lower-cased, as the dictionary is) so they meet the words the model learned.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TOKENS = 300  # longest text traced: charts stay readable, a trace stays well under a second

# Curly quotes, dashes and ellipses that phones and word processors insert.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": " -- ",
        "\u2014": " -- ",
        "\u2026": " ... ",
    }
)

_SPECIAL = {"(": "-lrb-", ")": "-rrb-", "[": "-lsb-", "]": "-rsb-", "{": "-lcb-", "}": "-rcb-"}

# Whole-word contractions whose first part the treebank spells differently.
_IRREGULAR = {"can't": ["ca", "n't"], "won't": ["wo", "n't"], "ain't": ["ai", "n't"], "cannot": ["can", "not"]}

_TOKEN_RE = re.compile(
    r"""
    \.\.\.+                 # ellipsis
  | --+                     # dash
  | [a-z]\.(?:[a-z]\.)+     # initials: j.r.r. e.t.
  | (?:mr|mrs|ms|dr|st|jr|sr|vs|bros|inc|co)\.(?=\s|$)
  | \d+(?:[.,:/]\d+)*       # numbers, 9/11, 3.5
  | n't                     # negation clitic (after _split_clitics)
  | '(?:s|re|ve|ll|d|m)\b   # clitics
  | [^\W_](?:[^\W_]|[-'/](?=[^\W_]))*   # words, with inner hyphens, apostrophes, slashes
  | \S                      # any other single character
    """,
    re.VERBOSE,
)

_CLITIC_RE = re.compile(r"(?<=[^\W_])(n't|'s|'re|'ve|'ll|'d|'m)\b")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return text.lower()


def _split_clitics(text: str) -> str:
    words = []
    for word in text.split():
        bare = word.strip("\"'.,!?;:()")
        if bare in _IRREGULAR:
            word = word.replace(bare, " ".join(_IRREGULAR[bare]), 1)
        words.append(word)
    return _CLITIC_RE.sub(r" \1", " ".join(words))


def _quote_tokens(tokens: list[str]) -> list[str]:
    """Double quotes alternate between `` (opening) and '' (closing)."""
    out, opening = [], True
    for tok in tokens:
        if tok == '"':
            out.append("``" if opening else "''")
            opening = not opening
        else:
            out.append(tok)
    return out


def tokenize(text: str) -> list[str]:
    """Split text into lower-case treebank tokens; never raises for any string."""
    tokens = _TOKEN_RE.findall(_split_clitics(_normalise(text)))
    tokens = [_SPECIAL.get(t, t).replace("/", "\\/") for t in tokens]
    return _quote_tokens(tokens)


_READABLE = {**{v: k for k, v in _SPECIAL.items()}, "``": '"', "''": '"'}


def readable(token: str) -> str:
    """A token as people write it, for the screen: -lrb- -> (, -lsb- -> [, `` and '' -> ", \\/ -> /.

    The dictionary keeps the treebank's own spellings; only what users read changes.
    """
    return _READABLE.get(token, token).replace("\\/", "/")


def is_punctuation(token: str) -> bool:
    """True for a token with no letter or digit: '!', '...', '--', '-lrb-' (a bracket), '``' (a quote)."""
    return not any(ch.isalnum() for ch in readable(token))


def treebank_word(word: str) -> str:
    """A treebank leaf as the dictionary stores it (lower case)."""
    return word.lower()


GLUED_LEFT = {",", ".", "!", "?", ";", ":", "...", "-rrb-", "-rsb-", "''", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
GLUED_RIGHT = {"-lrb-", "-lsb-", "``"}  # opening brackets and quotes: no space after them


def detokenize(tokens: list[str]) -> str:
    """Treebank tokens as a sentence people read: brackets and quotes as written, no space before punctuation and
    clitics ('s, n't), none after an opening bracket or quote."""
    out, glue_next = "", True
    for t in tokens:
        out += ("" if glue_next or t in GLUED_LEFT else " ") + readable(t)
        glue_next = t in GLUED_RIGHT
    return out
