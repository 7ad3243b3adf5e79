"""Parse the treebank's PTB trees into labelled phrases and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .tokenizer import treebank_word

SPLITS = ("train", "dev", "test")
# Label views: fine-grained 0..4 mapped to the classes a head predicts.
BINARY = {0: 0, 1: 0, 3: 1, 4: 1}  # neutral (2) dropped
THREE_CLASS = {0: 0, 1: 0, 2: 1, 3: 2, 4: 2}  # negative, neutral, positive
FINE = {i: i for i in range(5)}
CLASS_NAMES = {"binary": ("negative", "positive"), "three": ("negative", "neutral", "positive")}


@dataclass(frozen=True)
class Phrase:
    """One labelled node of a tree: its words (lower case) and fine label 0..4."""

    tokens: tuple[str, ...]
    label: int


_TOKEN = re.compile(r"\(|\)|[^\s()]+(?:\s[^\s()]+)*(?=\))|[^\s()]+")


def parse_tree(line: str) -> list[Phrase]:
    """All labelled phrases of one tree, root (the whole sentence) first.

    A leaf runs up to its closing bracket and may hold a space ("8 1\\/2").
    """
    tokens = _TOKEN.findall(line)
    phrases: list[Phrase] = []
    pos = 0

    def expect(cond: bool, what: str) -> None:
        if not cond:
            raise ValueError(f"malformed tree ({what} at token {pos}): {line[:60]!r}")

    def node() -> tuple[str, ...]:
        nonlocal pos
        expect(pos + 2 < len(tokens) and tokens[pos] == "(", "expected '('")
        label = tokens[pos + 1].split(None, 1)
        expect(label[0].isdigit(), "expected a label 0..4")
        pos += 2
        slot = len(phrases)
        phrases.append(Phrase((), int(label[0])))
        if len(label) == 2:  # "(2 word)": label and leaf lexed together
            words: tuple[str, ...] = (treebank_word(label[1]),)
        elif tokens[pos] == "(":
            words = ()
            while pos < len(tokens) and tokens[pos] == "(":
                words += node()
        else:
            words = (treebank_word(tokens[pos]),)
            pos += 1
        expect(pos < len(tokens) and tokens[pos] == ")", "expected ')'")
        pos += 1
        phrases[slot] = Phrase(words, int(label[0]))
        return words

    node()
    expect(pos == len(tokens), "text after the tree")
    return phrases


def read_split(data_dir: str | Path, split: str) -> list[list[Phrase]]:
    """One list of phrases per sentence (sentence first) for train, dev or test."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}")
    path = Path(data_dir) / f"{split}.txt"
    with path.open(encoding="utf-8") as f:
        return [parse_tree(line) for line in f if line.strip()]


def sentences(trees: list[list[Phrase]]) -> list[Phrase]:
    return [t[0] for t in trees]


def unique_phrases(trees: list[list[Phrase]]) -> list[Phrase]:
    """Every distinct labelled phrase once (the usual training set: phrases of all sizes)."""
    seen: dict[tuple[str, ...], Phrase] = {}
    for tree in trees:
        for p in tree:
            seen.setdefault(p.tokens, p)
    return list(seen.values())
