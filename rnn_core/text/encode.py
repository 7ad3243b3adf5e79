"""A text as the models read it: its tokens and dictionary indices, or a TextError saying why it cannot be read."""

from __future__ import annotations

from .tokenizer import MAX_TOKENS, tokenize
from .vocab import Vocab


class TextError(ValueError):
    """The text cannot be traced (no words, or more words than MAX_TOKENS); the message says why."""


def encode_text(
    text: str, vocab: Vocab, max_tokens: int = MAX_TOKENS, what: str = "review", empty_ok: bool = False
) -> tuple[list[str], list[int]]:
    """Tokens and dictionary indices of a text (``what`` names it in messages); raises TextError for too many words,
    or for none unless ``empty_ok``."""
    if not isinstance(text, str):
        raise TextError(f"the {what} must be text")
    tokens = tokenize(text)
    if not tokens and not empty_ok:
        raise TextError(f"There are no words to read: type a {what} of at least one word.")
    if len(tokens) > max_tokens:
        raise TextError(
            f"This {what} has {len(tokens)} words and punctuation marks; the limit is {max_tokens}. Please shorten it."
        )
    return tokens, vocab.encode(tokens)
