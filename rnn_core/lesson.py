"""The lesson's content in one place: example reviews, built-in words, and which shipped model each page uses.

Pages and the benchmark read these; the analyses in rnn_core.explain never do. Every statement a page makes
about what these models do with these texts is checked against the shipped models by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "rnn-sst2"  # the sidebar's first choice: the article's own network
DEFAULT_REVIEW = "that was phenomenal"  # short enough to follow word by word on a first visit

# Vanishing gradients compares one shipped model per cell (same data, same head).
CELL_MODELS = {"rnn": "rnn-sst2", "lstm": "lstm-sst2", "gru": "gru-sst2"}
# Sigmoid vs softmax: the same cell and data, only the output layer differs.
HEAD_MODELS = {"sigmoid": "rnn-sst2", "sigmoid3": "rnn-sst3-sigmoid3", "softmax": "rnn-sst3"}
# Inside one step: the one-neuron network, and the app's main RNN to compare with.
ONE_STEP_MODELS = {"one": "tiny-sst2", "bigger": "rnn-sst2"}

# Single words for Sigmoid vs softmax, with what a reader would expect of each on its own. The first is the default:
# its three sigmoids say "yes" to two classes at once. The tests check every claim below against the shipped models.
EXPECTED = {
    "vague": "negative",
    "hate": "negative",
    "terrible": "negative",
    "the": "neutral",
    "okay": "neutral",
    "good": "positive",
    "recommend": "positive",
    "miracle": "positive",
    "phenomenal": "positive",
}
SUM_FAR_FROM_ONE = ("vague", "hate", "recommend", "miracle")  # their three sigmoids add up to at least 0.2 away from 1
NEUTRAL_WORDS = ("the", "okay")  # one sigmoid puts them near 0.5
WORDS = tuple(EXPECTED)

# The home page's pair: the same words in another order, opposite meanings. The page shows each model's live verdict.
ORDER_PAIR = ("not good , bad", "good , not bad")
ORDER_PAIR_READER = ("negative", "positive")


@dataclass(frozen=True)
class Example:
    """A review written to show something, what a reader calls it, and which cell models read it the same way.

    ``right_for`` is a claim about the shipped models (rnn-sst2, lstm-sst2, gru-sst2): the tests check it, and the
    page shows the live verdicts beside it, so ``watch`` may say who gets it right.
    """

    text: str
    reader: str | None  # "negative" or "positive"; None where a reader has no verdict to compare with
    watch: str  # one sentence: what to look at
    right_for: frozenset[str] = frozenset()


GLOWING_OPENING = "What a brilliant, moving and beautifully shot opening scene."
SCATHING_OPENING = "What a dull, lifeless and badly shot opening scene."
PLAIN_MIDDLE = (
    "After that the film follows a family as they drive across the country, stop in a few small towns, visit some old "
    "neighbours, talk about the weather and the price of petrol, and finally arrive home late on a sunday evening."
)

EXAMPLES = {
    "Short and glowing": Example(
        "that was phenomenal",
        "positive",
        "One strong word at the end: watch what it does to P(positive).",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
    "Clear positive": Example(
        "A warm, funny and beautifully acted film that I would gladly watch again.",
        "positive",
        "Praise in every clause: watch the answer after each word.",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
    "Clear negative": Example(
        "The plot is dull, the jokes fall flat and the acting is painfully wooden.",
        "negative",
        "Complaints in every clause: watch the answer after each word.",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
    "Negation: not good": Example(
        "This movie is not good.",
        "negative",
        "Does “not” flip what “good” does? Compare the models in the sidebar.",
        frozenset({"lstm-sst2", "gru-sst2"}),
    ),
    "Negation: not bad at all": Example(
        "Honestly, it's not bad at all.",
        "positive",
        "“bad” is negative on its own; does “not” before it turn the answer around? Compare the models.",
        frozenset(),
    ),
    "Contrast: slow start, wonderful end": Example(
        "The start was slow but the ending was wonderful.",
        "positive",
        "A reader follows the half after “but”: does the network?",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
    "Contrast: great cast, awful script": Example(
        "The cast is great, but the script is awful.",
        "negative",
        "The same turn the other way round: does the answer follow “but”?",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
    "Unknown words": Example(
        "The cinematografy was splendiferous and the soundtrak was grooveriffic!",
        None,
        "Misspelt and made-up words are not in the dictionary: they all read as the same <unk> column.",
    ),
    "Long review: a glowing opening, then plain words": Example(
        f"{GLOWING_OPENING} {PLAIN_MIDDLE}",
        "positive",
        "Does the opening still count after many plain words? Vanishing gradients shows how much gradient reaches it.",
        frozenset({"rnn-sst2", "lstm-sst2", "gru-sst2"}),
    ),
}
EXAMPLE_REVIEWS = {title: e.text for title, e in EXAMPLES.items()}
LONG_EXAMPLE = "Long review: a glowing opening, then plain words"  # Vanishing gradients opens on it
# The same long review with a scathing opening: does the answer still follow the first sentence?
LONG_SCATHING = f"{SCATHING_OPENING} {PLAIN_MIDDLE}"

# RNN shapes and Text completion: the language models compared side by side, the conditional one (one-to-many) and
# the sentiment models that read what it writes, and the beginning the completion page opens on.
LM_MODELS = {"RNN": "lm-rnn", "LSTM": "lm-lstm"}
COND_MODEL = "lm-cond"
COND_JUDGES = ("rnn-sst2", "gru-sst2")
WRITE_STRENGTH_MAX = 2.0  # the RNN-shapes page's label-strength slider runs from 0 (the label's bias off) to this
COMPLETION_START = "the film is"
# The article's forgetting example: the right next word depends on an early word (the cue); each version has more
# words between them. Fields of rnn_core.explain.forgetting.Case (dictionary spellings: `` and '' are the treebank's
# opening and closing quotes); the page says only what the models measurably do with them.
FORGETTING_CASES = {
    "more … than": {
        "versions": (
            "the film is more funny",
            "the film is more smart and funny",
            "the film is more smart, honest and funny",
            "the film is more smart, honest, sad, wise and funny",
            "the film is more smart, honest, sad, wise, warm, strange, tender and funny",
        ),
        "target": "than",
        "cue": "more",
        "swap": "very",
    },
    "a title in quotes": {
        "versions": (
            'they went to see "the lord',
            'they went to see "the lord of the rings',
            'they went to see "the lord of the rings: the two towers',
            'they went to see "the lord of the rings: the return of the king',
        ),
        "target": "''",
        "cue": "``",
        "swap": ",",
        "names": ("the closing quote", "the opening quote", "a comma"),
    },
}
