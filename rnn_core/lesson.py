"""The lesson's content in one place: example reviews, built-in words, and which shipped model each page uses.

Pages and the benchmark read these; the analyses in rnn_core.explain never do. Every statement a page makes
about what these models do with these texts is checked against the shipped models by the tests.
"""

from __future__ import annotations

DEFAULT_MODEL = "rnn-sst2"  # the sidebar's first choice: the article's own network
DEFAULT_REVIEW = "that was phenomenal"  # short enough to follow word by word on a first visit

# Vanishing gradients compares one shipped model per cell (same data, same head).
CELL_MODELS = {"rnn": "rnn-sst2", "lstm": "lstm-sst2", "gru": "gru-sst2"}
# Sigmoid vs softmax: the same cell and data, only the output layer differs.
HEAD_MODELS = {"sigmoid": "rnn-sst2", "sigmoid3": "rnn-sst3-sigmoid3", "softmax": "rnn-sst3"}
# Inside one step: the one-neuron network, and the app's main RNN to compare with.
ONE_STEP_MODELS = {"one": "tiny-sst2", "bigger": "rnn-sst2"}

# Single words for Sigmoid vs softmax, with what a reader would expect of each on its own.
EXPECTED = {
    "terrible": "negative",
    "boring": "negative",
    "fine": "positive",
    "the": "neutral",
    "okay": "neutral",
    "good": "positive",
    "phenomenal": "positive",
}
WORDS = tuple(EXPECTED)

EXAMPLE_REVIEWS = {
    "Short and glowing": "that was phenomenal",
    "Clear positive": "A warm, funny and beautifully acted film that I would gladly watch again.",
    "Clear negative": "The plot is dull, the jokes fall flat and the acting is painfully wooden.",
    "Negation: not good": "This movie is not good.",
    "Negation: not bad at all": "Honestly, it's not bad at all.",
    "Contrast: slow start, wonderful end": "The start was slow but the ending was wonderful.",
    "Contrast: great cast, awful script": "The cast is great, but the script is awful.",
    "Unknown words": "The cinematografy was splendiferous and the soundtrak was grooveriffic!",
    "Long review: early words fade": (
        "What a brilliant, moving and beautifully shot opening scene. After that the film follows a family as they "
        "drive across the country, stop in a few small towns, visit some old neighbours, talk about the weather and "
        "the price of petrol, and finally arrive home late on a sunday evening."
    ),
}
LONG_EXAMPLE = "Long review: early words fade"  # the Vanishing-gradients page offers it for short reviews
