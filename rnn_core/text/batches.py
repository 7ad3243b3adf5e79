"""Treebank phrases as training examples, batched by length so no padding is needed."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from .treebank import BINARY, THREE_CLASS, Phrase
from .vocab import Vocab

# Targets per head. Sigmoid: P(positive), neutral phrases as a soft 0.5 so the
# answer starts undecided and moves with the words that carry sentiment.
SOFT_BINARY = {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0, 4: 1.0}


@dataclass(frozen=True)
class Examples:
    """Encoded phrases and their targets: float (N, 1) for sigmoid, long (N,) class ids for softmax,
    float (N, 3) one-vs-rest for sigmoid3."""

    ids: list[list[int]]
    targets: torch.Tensor

    def __len__(self) -> int:
        return len(self.ids)


def training_examples(phrases: list[Phrase], vocab: Vocab, head: str) -> Examples:
    """All labelled phrases with the target the head learns."""
    ids = [vocab.encode(p.tokens) for p in phrases]
    labels = [p.label for p in phrases]
    if head == "sigmoid":
        targets = torch.tensor([[SOFT_BINARY[y]] for y in labels])  # (N, 1)
    elif head == "softmax":
        targets = torch.tensor([THREE_CLASS[y] for y in labels])  # (N,)
    else:
        targets = torch.nn.functional.one_hot(torch.tensor([THREE_CLASS[y] for y in labels]), 3).float()  # (N, 3)
    return Examples(ids, targets)


def evaluation_sentences(sentences: list[Phrase], vocab: Vocab, task: str) -> tuple[list[list[int]], list[int]]:
    """Whole sentences and their class: binary drops neutral; three-class keeps all."""
    view = BINARY if task == "binary" else THREE_CLASS
    kept = [s for s in sentences if s.label in view]
    return [vocab.encode(s.tokens) for s in kept], [view[s.label] for s in kept]


def length_batches(ids: list[list[int]], batch_size: int, rng: random.Random | None = None) -> Iterator[list[int]]:
    """Indices grouped into batches of equal-length sequences; shuffled when rng is given."""
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, seq in enumerate(ids):
        by_len[len(seq)].append(i)
    batches = []
    for group in by_len.values():
        if rng:
            rng.shuffle(group)
        batches += [group[k : k + batch_size] for k in range(0, len(group), batch_size)]
    if rng:
        rng.shuffle(batches)
    yield from batches
