"""The home page's pair of reviews: who tells them apart, and the sentence that says so. No torch: the first page
reads the shipped models with NumPy (model.light) and answers before torch has loaded; claims.pair_verdicts gives
the same verdicts from the torch models (the tests compare the two)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model.config import class_name
from ..model.light import LightModel
from ..text.encode import encode_text


def join(names: Sequence[str]) -> str:
    """'RNN', 'RNN and LSTM', 'RNN, LSTM and GRU'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class PairVerdict:
    """One model's answers to two texts that a reader labels differently."""

    model: str
    probs: tuple[float, float]  # P(positive) after the last word of each text
    verdicts: tuple[str, str]  # the class each answer stands for
    expected: tuple[str, str]  # what a reader says

    @property
    def right(self) -> tuple[bool, bool]:
        return self.verdicts[0] == self.expected[0], self.verdicts[1] == self.expected[1]

    @property
    def both_right(self) -> bool:
        return all(self.right)


def light_pair_verdicts(models: Mapping[str, LightModel], texts: tuple[str, str], expected: tuple[str, str]) -> list[PairVerdict]:
    """Each model's verdict on both texts, read with NumPy (one sigmoid output each: P(positive))."""
    out = []
    for label, model in models.items():
        answers = [model.final_probs(encode_text(text, model.vocab)[1]) for text in texts]
        probs = (float(answers[0][-1]), float(answers[1][-1]))
        out.append(PairVerdict(label, probs, tuple(class_name(a, model.config.head) for a in answers), expected))
    return out


def pair_lesson(verdicts: Sequence[PairVerdict]) -> str:
    """One or two sentences on who tells the pair apart, and why a plain RNN may not."""
    right = [v.model for v in verdicts if v.both_right]
    wrong = [v for v in verdicts if not v.both_right]
    if not wrong:
        who = {1: f"{join(right)} tells", 2: f"{join(right)} both tell"}.get(len(right), f"{join(right)} all tell")
        return f"{who} the two apart: what has been read is carried in the hidden state, in order."
    said = []
    for v in wrong:
        if v.verdicts[0] == v.verdicts[1]:
            said.append(f"{v.model} calls both {v.verdicts[0]}")
        else:
            said.append(f"{v.model} reads both the wrong way round")
    text = (
        f"{join(right)} {'tells' if len(right) == 1 else 'tell'} the two apart; "
        if right
        else "None of them tells the two apart: "
    )
    text += join(said) + "."
    if any(v.model == "RNN" for v in wrong):
        text += (
            " A plain RNN mostly adds up the evidence of each word as it goes, and both texts hold the same words, "
            "so it has little to tell them apart by."
        )
        gated = [m for m in right if m in ("LSTM", "GRU")]
        if gated:
            text += f" The gates of the {join(gated)} let a word such as “not” change how the next word is taken in."
    return text
