"""Model cards in words: the short label pickers show and the one-line description beside it."""

from __future__ import annotations

CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
HEAD_NAMES = {"sigmoid": "sigmoid", "softmax": "softmax", "sigmoid3": "3 sigmoids"}


def _accuracy(card: dict) -> float | None:
    acc = card.get("test_accuracy")
    return float(acc) if isinstance(acc, int | float) else None


def short_label(name: str, card: dict) -> str:
    """'rnn-sst2 · RNN, sigmoid · 82%': narrow enough for the sidebar's picker; just the name without a card."""
    if not card:
        return name
    parts = [name, f"{CELL_NAMES.get(card.get('cell'), '?')}, {HEAD_NAMES.get(card.get('head'), '?')}"]
    acc = _accuracy(card)
    return " · ".join(parts + ([f"{acc * 100:.0f}%"] if acc is not None else []))


def card_line(card: dict) -> str:
    """'RNN cell, sigmoid output, test accuracy 82.4% on 1,821 sentences' (empty without a card)."""
    if not card:
        return ""
    parts = [f"{CELL_NAMES.get(card.get('cell'), '?')} cell", f"{HEAD_NAMES.get(card.get('head'), '?')} output"]
    acc, n = _accuracy(card), card.get("test_n")
    if acc is not None:
        memory = str(card.get("task", "")).startswith("memory")  # a model of Train your own's memory task
        what, score = ("memory-task sequences", "held-out accuracy") if memory else ("sentences", "test accuracy")
        parts.append(f"{score} {acc:.1%}" + (f" on {n:,} {what}" if isinstance(n, int) else ""))
    return ", ".join(parts)
