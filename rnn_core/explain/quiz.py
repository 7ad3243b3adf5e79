"""Predict, then reveal: a student guesses where the network's answer goes at each word; this marks the guesses.

Before each word's effect is shown, the student says whether P(positive) will go up or down after it; on the
last word, the review's verdict instead. The network's real numbers come from its trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .trace import Trace

UP, DOWN = "up", "down"
DISAGREEMENTS = 3  # words listed at the end where student and network parted most


@dataclass(frozen=True)
class QuizStep:
    """One word and P(positive) before and after the network read it."""

    index: int  # 0-based position in the review
    word: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def direction(self) -> str:
        """'up' or 'down'; '' when the word left P(positive) exactly where it was (either guess counts)."""
        return UP if self.change > 0 else DOWN if self.change < 0 else ""


@dataclass(frozen=True)
class Question:
    """What is asked at one word: a direction (up/down) or, on the last word, the verdict (a class)."""

    step: QuizStep
    options: tuple[str, ...]
    answer: str  # the network's: a direction, or the class of its final answer
    class_probs: tuple[tuple[str, float], ...] = ()  # for the verdict: each option's probability after the last word

    @property
    def is_verdict(self) -> bool:
        return bool(self.class_probs)


@dataclass(frozen=True)
class Marked:
    """A question with the student's answer; ``size`` is how far the network's answer lay from the student's."""

    question: Question
    said: str
    right: bool
    size: float


@dataclass(frozen=True)
class QuizResult:
    marked: tuple[Marked, ...]

    @property
    def score(self) -> int:
        return sum(m.right for m in self.marked)

    @property
    def total(self) -> int:
        return len(self.marked)

    def disagreements(self, k: int = DISAGREEMENTS) -> list[Marked]:
        """The wrong answers where the network went most clearly the other way, largest first."""
        wrong = [m for m in self.marked if not m.right]
        return sorted(wrong, key=lambda m: -m.size)[:k]


def verdict_classes(tr: Trace) -> tuple[str, ...]:
    """The verdicts a student can give: negative/positive for one sigmoid, the model's classes otherwise."""
    return ("negative", "positive") if tr.head == "sigmoid" else tr.classes


def _class_probs(tr: Trace) -> tuple[tuple[str, float], ...]:
    """Each verdict's probability after the last word (for one sigmoid: 1 - p and p)."""
    last = [float(v) for v in tr.probs[-1]]
    if tr.head == "sigmoid":
        return (("negative", 1.0 - last[0]), ("positive", last[0]))
    return tuple(zip(tr.classes, last))


def questions(tr: Trace) -> list[Question]:
    """One question per word: up or down for every word but the last, the verdict on the last.

    P(positive) is the last output column (the one sigmoid, or the positive class); before the first word it is
    the answer of the start state h_0 = 0.
    """
    p = [float(v) for v in tr.probs[:, -1]]
    start = float(tr.start_probs[-1]) if tr.start_probs is not None else 0.5
    before = [start, *p[:-1]]
    steps = [QuizStep(t, w, before[t], p[t]) for t, w in enumerate(tr.words)]
    asked = [Question(s, (UP, DOWN), s.direction) for s in steps[:-1]]
    return asked + [Question(steps[-1], verdict_classes(tr), tr.final_class, _class_probs(tr))]


def mark(asked: Sequence[Question], answers: Sequence[str]) -> QuizResult:
    """Mark the answers given so far (one per question, in order; fewer while the quiz runs)."""
    marked = []
    for q, said in zip(asked, answers):
        if q.is_verdict:
            probs = dict(q.class_probs)
            right = said == q.answer
            size = probs[q.answer] - probs.get(said, 0.0)
        else:
            right = q.answer in ("", said)
            size = abs(q.step.change)
        marked.append(Marked(q, said, right, size))
    return QuizResult(tuple(marked))
