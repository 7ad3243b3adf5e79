"""The 10,000-word dictionary shared by every model."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PAD, UNK = "<pad>", "<unk>"
VOCAB_SIZE = 10_000  # the article's dictionary size; covers ~97% of training tokens


@dataclass(frozen=True)
class Vocab:
    """Words in frequency order; index 0 is <pad>, index 1 is <unk>."""

    itos: tuple[str, ...]
    stoi: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stoi", {w: i for i, w in enumerate(self.itos)})

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def unk_id(self) -> int:
        return self.stoi[UNK]

    def __contains__(self, word: str) -> bool:
        return word in self.stoi

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Token -> dictionary index; unknown tokens -> the index of <unk>."""
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.itos[i] for i in ids]

    def one_hot(self, token_or_id: str | int) -> np.ndarray:
        """The word as a vector of len(vocab) zeros with a single 1 at its index."""
        index = token_or_id if isinstance(token_or_id, int) else self.encode([token_or_id])[0]
        vec = np.zeros(len(self), dtype=np.float32)  # (V,)
        vec[index] = 1.0
        return vec

    @classmethod
    def build(cls, sentences: Iterable[list[str]], size: int = VOCAB_SIZE) -> Vocab:
        """Most frequent words first; ties broken alphabetically so the build is reproducible."""
        counts = Counter(t for s in sentences for t in s)
        words = sorted(counts, key=lambda w: (-counts[w], w))[: size - 2]
        return cls(itos=(PAD, UNK, *words))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(list(self.itos), ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        words = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(words, list) or words[:2] != [PAD, UNK]:
            raise ValueError(f"{path}: not an RNN Lens dictionary (expected a JSON list starting with <pad>, <unk>)")
        return cls(itos=tuple(words))
