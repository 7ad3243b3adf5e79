"""The sampled softmax the plain RNN language model (lm-rnn) trains with first: most of the probability scored
exactly, the rest estimated from a few drawn words, a quarter of the full 10,001-way softmax's work."""

from __future__ import annotations

import torch

from .language import LanguageRNN


class Sampler:
    """Sampled softmax with an exact head: the ``head`` most frequent words (most of the probability) are always
    scored; ``size`` others are drawn with replacement in proportion to their counts to the power 0.75, each drawn
    logit minus log(size * q(word)) (Jean et al., 2015); a target outside the head is scored beside them with the same
    correction, a drawn copy of it left out. A quarter of the full softmax's work; its gradient approximates it."""

    def __init__(self, ids: list[list[int]], vocab_size: int, size: int, head: int, eos: int) -> None:
        if head >= vocab_size - 1:
            raise ValueError(f"a head of {head} words leaves none of the {vocab_size} to draw")
        self.counts = torch.bincount(torch.tensor([i for s in ids for i in s] + [eos] * len(ids)), minlength=vocab_size)
        self.head = self.counts.argsort(descending=True)[:head]  # (F,)
        self.position = torch.full((vocab_size,), -1)  # each head word's column, -1 for the others
        self.position[self.head] = torch.arange(len(self.head))
        q = self.counts.clamp(min=1).float() ** 0.75  # (V,) every word can be drawn, rare ones a little more often
        q[self.head] = 0.0
        self.q, self.size = q / q.sum(), size
        self.correction = torch.log(self.q * size)  # (V,) log of each word's expected count among the drawn (-inf: head)

    def loss(self, model: LanguageRNN, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of each target over the head, its own column and the drawn words. hidden (N, H), targets (N,)."""
        drawn = torch.multinomial(self.q, self.size, replacement=True)  # (K,)
        words = model.dropout(hidden) @ model.W_p.t()  # (N, E)
        head = words @ model.W_e[self.head].t() + model.b_y[self.head]  # (N, F)
        others = words @ model.W_e[drawn].t() + model.b_y[drawn] - self.correction[drawn]  # (N, K)
        others = others.masked_fill(drawn[None, :] == targets[:, None], -torch.inf)  # (N, K)
        in_tail = self.position[targets] < 0  # (N,)
        own = (words * model.W_e[targets]).sum(-1) + model.b_y[targets]  # (N,)
        own = torch.where(in_tail, own - torch.where(in_tail, self.correction[targets], 0.0), -torch.inf)  # (N,)
        logits = torch.cat([own[:, None], head, others], dim=1)  # (N, 1 + F + K)
        column = torch.where(in_tail, 0, self.position[targets] + 1)  # (N,) where each target is scored
        return torch.nn.functional.cross_entropy(logits, column)
