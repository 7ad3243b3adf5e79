"""What a sentiment model is (cell, head, sizes) and the one rule for the class of its answer, without torch.

network.py builds the torch model from a ModelConfig; light.py reads the same weights with NumPy for the first page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CELLS = ("rnn", "lstm", "gru")
HEADS = ("sigmoid", "softmax", "sigmoid3")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # row blocks in W_x, W_hh, b_h
HEAD_CLASSES = {
    "sigmoid": ("positive",),
    "softmax": ("negative", "neutral", "positive"),
    "sigmoid3": ("negative", "neutral", "positive"),
}
DECISION_THRESHOLD = 0.5  # one sigmoid output: positive from here up


@dataclass(frozen=True)
class ModelConfig:
    cell: str = "rnn"  # the article's plain tanh RNN
    head: str = "sigmoid"  # one output: P(positive)
    hidden_size: int = 64  # small enough to show every unit, large enough for ~82% on SST-2
    vocab_size: int = 10_000  # the shared dictionary

    def __post_init__(self) -> None:
        sizes = (self.hidden_size, self.vocab_size)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
            raise ValueError(f"hidden_size and vocab_size must be whole numbers, not {sizes!r}")
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose one of {CELLS}")
        if self.head not in HEADS:
            raise ValueError(f"unknown head {self.head!r}; choose one of {HEADS}")
        if self.hidden_size < 1 or self.vocab_size < 2:
            raise ValueError("hidden_size must be >= 1 and vocab_size >= 2")

    @property
    def classes(self) -> tuple[str, ...]:
        return HEAD_CLASSES[self.head]

    def to_dict(self) -> dict:
        return asdict(self)


def class_index(probs, head: str) -> int:
    """The one rule for the class of one answer (C,): with one sigmoid output, 1 (positive) if P(positive) >= 0.5,
    else 0 (negative); with several outputs, the largest (the first of equals)."""
    values = [float(p) for p in probs]
    if len(values) == 1:
        return int(values[0] >= DECISION_THRESHOLD)
    return max(range(len(values)), key=values.__getitem__)


def class_name(probs, head: str) -> str:
    """The class an answer (C,) of a ``head`` stands for, by the rule of class_index."""
    names = ("negative", "positive") if head == "sigmoid" else HEAD_CLASSES[head]
    return names[class_index(probs, head)]
