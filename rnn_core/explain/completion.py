"""What a language model does with the beginning of a sentence: its next words, a completion, and how far back it looks.

- **Next words**: after the start mark and after each word of the prefix, the softmax over all 10,001 entries of
  the dictionary (words, <unk>, <eos>); the page shows the 10 most probable.
- **Completion**: words drawn one at a time (temperature, top-k), seeded, so the same seed writes the same words.
- **Influence** of word t on the prediction of a word w after the last input: ||dz_w / du_t||_2, the norm of the
  gradient of w's logit with respect to the word's input column u_t = W_x W_e[index], in one backward pass: the
  measure the Vanishing-gradients page uses for the sentiment models' final answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..model.language import EOS, LanguageRNN, clamp_temperature, sample_ids
from ..model.network import SentimentRNN, class_name
from ..text.tokenizer import MAX_TOKENS, detokenize, readable
from .trace import encode_text

TOP_K = 10  # next words shown after each word
COMPLETION_WORDS = 30  # words drawn by "Complete" unless the sentence ends first
START = "(start)"  # how the start mark (the <eos> read before the first word) is shown


def prefix_ids(model: LanguageRNN, text: str, max_tokens: int = MAX_TOKENS) -> tuple[list[str], list[int]]:
    """Tokens and indices of a sentence's beginning; empty text is an empty beginning (the model starts a sentence).

    Raises TextError for more than ``max_tokens`` tokens.
    """
    return encode_text(text, model.vocab, max_tokens, what="beginning", empty_ok=True)


@dataclass(frozen=True)
class NextWords:
    """The model's next-word distribution after the start mark and after each of T words (rows 0..T)."""

    tokens: list[str]  # (T,) the beginning as tokens
    known: list[bool]  # (T,) False where a word is not in the dictionary (read as <unk>)
    top_ids: np.ndarray  # (T + 1, k) dictionary indices, most probable first
    top_words: list[list[str]]  # (T + 1, k) the same as people write them
    top_probs: np.ndarray  # (T + 1, k) their probabilities (softmax over all entries)
    word_probs: np.ndarray  # (T,) the probability row t - 1 gave to word t, the word that did come
    word_ranks: np.ndarray  # (T,) that word's rank in row t - 1 (1 = the most probable)

    @property
    def words(self) -> list[str]:
        return [readable(t) for t in self.tokens]

    @property
    def steps(self) -> list[str]:
        """What row t follows: the start mark, then each word."""
        return [START, *self.words]


def _shown(model: LanguageRNN, index: int) -> str:
    word = model.vocab.itos[index]
    return word if word in (EOS, "<unk>", "<pad>") else readable(word)


@torch.no_grad()
def next_word_logits(model: LanguageRNN, ids: list[int], label: int | None = None) -> torch.Tensor:
    """Logits after the start mark and after each word: (T + 1, V)."""
    inputs = torch.tensor([[model.eos_id, *ids]])  # (1, T + 1)
    labels = None if label is None else torch.tensor([label])
    return model(inputs, labels)[0]  # (T + 1, V)


def next_words(model: LanguageRNN, text: str, k: int = TOP_K, label: int | None = None) -> NextWords:
    """The k most probable next words at every step of a beginning (softmax over the whole dictionary)."""
    tokens, ids = prefix_ids(model, text)
    probs = torch.softmax(next_word_logits(model, ids, label), dim=-1)  # (T + 1, V)
    top = probs.topk(k, dim=-1)
    came = torch.tensor(ids, dtype=torch.long)
    word_probs = probs[torch.arange(len(ids)), came] if ids else torch.zeros(0)  # (T,)
    ranks = (probs[: len(ids)] > word_probs[:, None]).sum(dim=-1) + 1  # (T,)
    return NextWords(
        tokens=tokens,
        known=[i != model.vocab.unk_id for i in ids],
        top_ids=top.indices.numpy(),
        top_words=[[_shown(model, int(i)) for i in row] for row in top.indices],
        top_probs=top.values.numpy(),
        word_probs=word_probs.numpy(),
        word_ranks=ranks.numpy(),
    )


@dataclass(frozen=True)
class Completion:
    """Words drawn after a beginning, and the settings that reproduce them."""

    prefix: list[str]  # the beginning's tokens
    tokens: list[str]  # the drawn tokens, as the dictionary spells them (<eos> not included)
    ended: bool  # True if the model drew <eos> (ended the sentence) before max_words
    temperature: float  # the temperature used (clamped)
    asked_temperature: float  # the temperature asked for
    top_k: int
    seed: int

    @property
    def clamped(self) -> bool:
        return self.temperature != self.asked_temperature

    @property
    def words(self) -> list[str]:
        """The drawn tokens as people write them."""
        return [readable(t) for t in self.tokens]

    @property
    def sentence(self) -> str:
        """The drawn words as one sentence (no space before punctuation)."""
        return detokenize(self.tokens)


def complete(
    model: LanguageRNN,
    text: str,
    max_words: int = COMPLETION_WORDS,
    temperature: float = 1.0,
    top_k: int = 0,
    seed: int = 0,
    label: int | None = None,
    unknown: bool = True,
) -> Completion:
    """Draw up to ``max_words`` words after ``text`` (an empty text: a whole sentence); top_k 0 keeps every word;
    ``unknown`` False never draws <unk>."""
    tokens, ids = prefix_ids(model, text)
    drawn = sample_ids(model, ids, max_words, temperature, top_k, seed, label, unknown)
    ended = bool(drawn) and drawn[-1] == model.eos_id
    kept = drawn[:-1] if ended else drawn
    return Completion(
        prefix=tokens,
        tokens=[model.vocab.itos[i] for i in kept],
        ended=ended,
        temperature=clamp_temperature(temperature),
        asked_temperature=float(temperature),
        top_k=int(top_k),
        seed=int(seed),
    )


def lm_influence(model: LanguageRNN, ids: list[int], target: int, label: int | None = None) -> np.ndarray:
    """Influence of each input on the logit of ``target`` after the last one, in one backward pass.

    Args:
        ids: the inputs, start mark included ([<eos>, w_1, ..., w_T]).
        target: the dictionary index whose logit after the last input is differentiated.
    Returns:
        (T + 1,): ||dz_target / du_t||_2 for every input t.
    """
    with torch.enable_grad():
        labels = None if label is None else torch.tensor([label])
        x_cols = model.input_columns(torch.tensor([ids]), labels).detach().requires_grad_(True)  # (1, T + 1, G*H)
        state = model.start_state(1, labels)
        for t in range(len(ids)):
            state = model.step(x_cols[:, t], state)
        logit = model.logits_of(state[0], labels)[0, target]
        (grad,) = torch.autograd.grad(logit, x_cols)
    return grad[0].norm(dim=-1).numpy()  # (T + 1,)


@torch.no_grad()
def judge(model: SentimentRNN, tokens: list[str]) -> tuple[float, str]:
    """A sentiment model's P(positive) after the last of ``tokens`` (treebank tokens) and the class it stands for."""
    ids = model.vocab.encode(tokens or ["<unk>"])
    probs = model.probs(torch.tensor([ids]))[0, -1]  # (C,)
    return float(probs[-1]), class_name(probs, model.config.head)


def start_states(model: LanguageRNN) -> np.ndarray:
    """h_0 of a conditional model for each label, (labels, H): what its one input sets before the first word."""
    with torch.no_grad():
        return model.start_state(model.config.labels, torch.arange(model.config.labels))[0].numpy()  # (L, H)
