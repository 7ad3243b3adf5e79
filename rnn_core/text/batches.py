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
    float (N, 3) one-vs-rest for sigmoid3; ``weights`` (N,): each target's weight in the loss (None: all 1).

    ``prefixes`` (optional): for each phrase, (steps, targets, weights) of every shorter labelled prefix: steps a
    long tensor (K,) counted from 0 (the answer after word step + 1), targets (K, ...) as above, weights (K,).
    """

    ids: list[list[int]]
    targets: torch.Tensor
    prefixes: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] | None = None
    weights: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self.ids)


def head_targets(labels: list[int], head: str) -> torch.Tensor:
    """Fine labels 0..4 as the targets a head learns: (N, 1) P(positive), (N,) class ids, or (N, 3) one-vs-rest."""
    if head == "sigmoid":
        return torch.tensor([[SOFT_BINARY[y]] for y in labels], dtype=torch.float32).reshape(-1, 1)  # (N, 1)
    if head == "softmax":
        return torch.tensor([THREE_CLASS[y] for y in labels], dtype=torch.long)  # (N,)
    return torch.nn.functional.one_hot(torch.tensor([THREE_CLASS[y] for y in labels], dtype=torch.long), 3).float()  # (N, 3)


def prefix_labels(trees: list[list[Phrase]]) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """For every phrase of the trees: (step, fine label) of each shorter prefix that is a labelled phrase of its tree.

    In a binary tree these are the nodes down the phrase's left edge: "not" and "not good" in "not good at all".
    Step t is counted from 0: the prefix is tokens[: t + 1]. A phrase in several trees keeps its first tree's prefixes.
    """
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for tree in trees:
        labelled = {p.tokens: p.label for p in tree}
        for p in tree:
            if p.tokens not in out:
                out[p.tokens] = [(t - 1, labelled[p.tokens[:t]]) for t in range(1, len(p.tokens)) if p.tokens[:t] in labelled]
    return out


def training_examples(
    phrases: list[Phrase],
    vocab: Vocab,
    head: str,
    prefixes: dict[tuple[str, ...], list[tuple[int, int]]] | None = None,
    label_weights: dict[int, float] | None = None,
) -> Examples:
    """All labelled phrases with the target the head learns; with ``prefixes`` (see prefix_labels) also their labelled
    prefixes; ``label_weights`` (fine label -> loss weight, default 1) weighs every target by its label."""
    ids = [vocab.encode(p.tokens) for p in phrases]
    labels = [p.label for p in phrases]

    def weigh(ys: list[int]) -> torch.Tensor:
        return torch.tensor([(label_weights or {}).get(y, 1.0) for y in ys], dtype=torch.float32)  # (N,)

    weights = weigh(labels) if label_weights else None
    if prefixes is None:
        return Examples(ids, head_targets(labels, head), weights=weights)
    parts = []
    for p in phrases:
        steps, ys = [t for t, _ in prefixes.get(p.tokens, [])], [y for _, y in prefixes.get(p.tokens, [])]
        parts.append((torch.tensor(steps, dtype=torch.long), head_targets(ys, head), weigh(ys)))
    return Examples(ids, head_targets(labels, head), parts, weights)


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
