"""The treebank's whole sentences only (no inner phrases), read fast: what the hidden-state explorer needs.

``treebank.read_split`` builds every labelled phrase of every tree (about 4 s for the training split on a busy
2-core machine); a sentence is just the tree's leaves in order and the root's label, which a regular expression
reads in a fraction of that. A test checks that both give the same sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

from .tokenizer import treebank_word
from .treebank import SPLITS, Phrase

_LEAF = re.compile(r"\(\d ([^()]+)\)")  # "(2 word)": a leaf's label and text; a leaf may hold a space ("8 1\/2")
_ROOT = re.compile(r"\s*\((\d)")


def sentence_of(line: str) -> Phrase:
    """The whole sentence of one tree: its leaves in order (lower case, as the dictionary has them) and the root's label."""
    root = _ROOT.match(line)
    if root is None:
        raise ValueError(f"malformed tree (expected '(' and a label 0..4): {line[:60]!r}")
    return Phrase(tuple(treebank_word(leaf) for leaf in _LEAF.findall(line)), int(root.group(1)))


def read_sentences(data_dir: str | Path, split: str = "train") -> list[Phrase]:
    """Every sentence of a split with its fine label 0..4, in file order (the order of ``treebank.read_split``)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}")
    with (Path(data_dir) / f"{split}.txt").open(encoding="utf-8") as f:
        return [sentence_of(line) for line in f if line.strip()]
