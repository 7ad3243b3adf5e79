import pytest

from rnn_core.text.tokenizer import tokenize


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("It's lovely.", ["it", "'s", "lovely", "."]),
        ("I don't like it", ["i", "do", "n't", "like", "it"]),
        ("can't, won't, isn't", ["ca", "n't", ",", "wo", "n't", ",", "is", "n't"]),
        ("we're they've I'm you'll he'd", ["we", "'re", "they", "'ve", "i", "'m", "you", "'ll", "he", "'d"]),
        ("It\u2019s great\u2026", ["it", "'s", "great", "..."]),
        ('The "best" (really)', ["the", "``", "best", "''", "-lrb-", "really", "-rrb-"]),
        ("singer/composer -- yes!", ["singer\\/composer", "--", "yes", "!"]),
        ("J.R.R. Tolkien's Middle-earth", ["j.r.r.", "tolkien", "'s", "middle-earth"]),
        ("a 3.5-star film", ["a", "3.5", "-", "star", "film"]),
    ],
)
def test_treebank_style(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01"])
def test_nothing_to_read_gives_no_tokens(text):
    assert tokenize(text) == []


def test_unicode_and_markup_are_plain_tokens():
    assert tokenize("😀 שלום") == ["😀", "שלום"]
    assert tokenize("<b>good</b>") == ["<", "b", ">", "good", "<", "\\/", "b", ">"]
    assert tokenize("Ａ ｇｏｏｄ film") == ["a", "good", "film"]  # full-width letters normalised
