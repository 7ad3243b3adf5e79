"""Follow one text through a model word by word, keeping every intermediate number."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..model.network import SentimentRNN, class_name, probs_from_logits
from ..text.encode import TextError as TextError  # named here too: the traced text's error
from ..text.encode import encode_text
from ..text.tokenizer import MAX_TOKENS, readable
from ..text.vocab import Vocab

GATE_NAMES = {"rnn": (), "lstm": ("input", "forget", "candidate", "output", "cell"), "gru": ("reset", "update", "candidate")}


@dataclass(frozen=True)
class Trace:
    """Everything the network computed for one text, one row per word.

    Shapes: T words, H hidden units, C outputs. For the rnn cell, ``x_part``,
    ``h_part`` and ``preact`` are W_x x_t, W_hh h_{t-1} and their sum with
    ``bias`` (b_h); h_t = tanh(preact). For lstm and gru, ``gates`` maps each
    gate name to its (T, H) values.
    """

    tokens: list[str]
    ids: list[int]
    known: list[bool]
    hidden: np.ndarray  # (T, H)
    logits: np.ndarray  # (T, C)
    probs: np.ndarray  # (T, C)
    classes: tuple[str, ...]
    cell: str
    head: str
    x_part: np.ndarray  # (T, G*H) column ids[t] of W_x
    h_part: np.ndarray  # (T, G*H) W_hh h_{t-1}
    bias: np.ndarray  # (G*H,) b_h
    start_probs: np.ndarray | None = None  # (C,) the answer before any word: h_0 = 0, so logits = b_y
    preact: np.ndarray | None = None  # (T, H) rnn only
    gates: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def seq_len(self) -> int:
        return len(self.tokens)

    @property
    def words(self) -> list[str]:
        """The tokens as people write them (brackets, quotes and slashes), for the screen."""
        return [readable(t) for t in self.tokens]

    @property
    def unknown_tokens(self) -> list[str]:
        return [w for w, k in zip(self.words, self.known) if not k]

    @property
    def final_class(self) -> str:
        """The review's class after its last word (the one rule: model.network.class_indices)."""
        return class_name(self.probs[-1], self.head)


@torch.no_grad()
def trace(model: SentimentRNN, text: str, max_tokens: int = MAX_TOKENS) -> Trace:
    """Run ``text`` through ``model`` one word at a time and keep every step's numbers."""
    if model.training:
        raise RuntimeError("trace needs the model in eval mode (model.eval())")
    vocab: Vocab = model.vocab
    tokens, ids = encode_text(text, vocab, max_tokens)
    cfg = model.config
    x_cols = model.input_columns(torch.tensor([ids]))[0]  # (T, G*H)
    state = model.initial_state(1)
    records, hs = [], []
    for t in range(len(ids)):
        rec: dict = {}
        state = model.step(x_cols[t : t + 1], state, rec)
        records.append(rec)
        hs.append(state[0][0])
    hidden = torch.stack(hs)  # (T, H)
    logits = hidden @ model.W_hy.t() + model.b_y  # (T, C)

    def stacked(key: str) -> np.ndarray:
        return torch.cat([r[key] for r in records]).numpy()  # (T, ·)

    return Trace(
        tokens=tokens,
        ids=ids,
        known=[i != vocab.unk_id for i in ids],
        hidden=hidden.numpy(),
        logits=logits.numpy(),
        probs=probs_from_logits(logits, cfg.head).numpy(),
        classes=cfg.classes,
        cell=cfg.cell,
        head=cfg.head,
        x_part=x_cols.numpy(),
        h_part=stacked("hh"),
        bias=model.b_h.detach().numpy().copy(),
        start_probs=probs_from_logits(model.b_y, cfg.head).numpy().copy(),
        preact=stacked("pre") if cfg.cell == "rnn" else None,
        gates={name: stacked(name) for name in GATE_NAMES[cfg.cell]},
    )
