"""The memory task: the label is decided by the first word alone, and L neutral filler words follow it.

A plain RNN has to carry the first word across L steps, and its error signal has to travel back just as far;
Bengio et al. (1994) and Hochreiter and Schmidhuber (1997) expect it to learn this for small L and fail as L grows,
while LSTM and GRU keep learning it. Every sequence is built from the shared dictionary: the first word is a clearly
positive or negative word, the fillers are words the sentiment model itself reads as neutral.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch

from ..text.treebank import BINARY, Phrase
from ..text.vocab import Vocab
from .network import SentimentRNN

WORDS_PER_SIDE = 40  # first words of each label: enough variety that the task is about the word, not one index
NEUTRAL_WORDS = 400  # filler words: enough that no filler pattern can give the label away
SURE = 0.85  # a first word is "clearly" positive above this P(positive) read alone, negative below 1 - SURE
NEUTRAL_BAND = 0.08  # fillers: P(positive) read alone within 0.5 +- this


@dataclass(frozen=True)
class TaskWords:
    """Dictionary indices: first words that decide the label, and neutral fillers."""

    negative: tuple[int, ...]
    positive: tuple[int, ...]
    neutral: tuple[int, ...]


@torch.no_grad()
def task_words(sentiment: SentimentRNN) -> TaskWords:
    """Pick the words by what a trained one-sigmoid sentiment model says of each dictionary word read alone."""
    ids = torch.arange(2, sentiment.config.vocab_size)  # (V - 2,) never <pad> or <unk>
    p = sentiment.probs(ids.view(-1, 1))[:, -1, -1].numpy()  # (V - 2,) P(positive) of each word alone
    order = np.argsort(p, kind="stable")
    negative = [int(ids[i]) for i in order[:WORDS_PER_SIDE] if p[i] < 1 - SURE]
    positive = [int(ids[i]) for i in order[::-1][:WORDS_PER_SIDE] if p[i] > SURE]
    calm = np.argsort(np.abs(p - 0.5), kind="stable")
    neutral = [int(ids[i]) for i in calm[:NEUTRAL_WORDS] if abs(p[i] - 0.5) <= NEUTRAL_BAND]
    if len(negative) < 5 or len(positive) < 5 or len(neutral) < 20:
        raise ValueError("this model reads too few words as clearly positive, negative or neutral for the memory task")
    return TaskWords(tuple(negative), tuple(positive), tuple(neutral))


@dataclass(frozen=True)
class TaskData:
    """Sequences (N, T) of dictionary indices and their labels (N,) in {0: negative, 1: positive}.

    ``mask`` (N, T), True at real words, is there when sequences of different lengths were padded on the left: a
    padded step leaves the state as it is, so every sequence is read from the same zero start state.
    """

    ids: torch.Tensor
    labels: torch.Tensor
    mask: torch.Tensor | None = None

    def __getitem__(self, rows: torch.Tensor) -> TaskData:
        return TaskData(self.ids[rows], self.labels[rows], None if self.mask is None else self.mask[rows])

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def fillers(self) -> int:
        """The memory task's L: the words after the first."""
        return self.ids.shape[1] - 1

    @property
    def first_positions(self) -> torch.Tensor:
        """Index of each sequence's first real word, (N,)."""
        if self.mask is None:
            return torch.zeros(len(self), dtype=torch.long)
        return self.mask.long().argmax(dim=1)


def padded(sequences: list[list[int]], labels: list[int]) -> TaskData:
    """Sequences of different lengths, padded on the left (index 0) with a mask."""
    width = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), width, dtype=torch.long)  # (N, T)
    mask = torch.zeros(len(sequences), width, dtype=torch.bool)  # (N, T)
    for row, seq in enumerate(sequences):
        ids[row, width - len(seq) :] = torch.tensor(seq)
        mask[row, width - len(seq) :] = True
    return TaskData(ids, torch.tensor(labels), mask)


def memory_task(words: TaskWords, fillers: int, n: int, seed: int) -> TaskData:
    """n seeded sequences: a first word of a random label, then ``fillers`` neutral words (the same seed, the same data)."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=gen)  # (N,)
    neg, pos, neu = (torch.tensor(w) for w in (words.negative, words.positive, words.neutral))
    first = torch.where(
        labels == 1, pos[torch.randint(len(pos), (n,), generator=gen)], neg[torch.randint(len(neg), (n,), generator=gen)]
    )  # (N,)
    rest = neu[torch.randint(len(neu), (n, fillers), generator=gen)]  # (N, L)
    return TaskData(torch.cat([first.view(-1, 1), rest], dim=1), labels)  # (N, 1 + L)


def sentiment_sample(phrases: list[Phrase], vocab: Vocab, n: int, seed: int, max_len: int = 30) -> TaskData:
    """n seeded treebank phrases with a clear label (neutral left out), up to max_len words, padded on the left."""
    usable = [p for p in phrases if p.label in BINARY and 2 <= len(p.tokens) <= max_len]
    rng = random.Random(seed)
    chosen = rng.sample(usable, min(n, len(usable)))
    return padded([vocab.encode(p.tokens) for p in chosen], [BINARY[p.label] for p in chosen])
