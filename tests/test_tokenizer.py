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


def test_tokens_read_as_people_write_them_while_the_dictionary_keeps_its_own():
    from rnn_core import load_vocab
    from rnn_core.text.tokenizer import readable

    tokens = tokenize('a (great) [film] and/or "so" {x}')
    assert [readable(t) for t in tokens] == ["a", "(", "great", ")", "[", "film", "]", "and/or", '"', "so", '"', "{", "x", "}"]
    assert "-lrb-" in tokens and "and\\/or" in tokens  # what the dictionary holds
    vocab = load_vocab()
    assert vocab.stoi["-lrb-"] == vocab.encode(["-lrb-"])[0] != vocab.encode(["<unk>"])[0]


def test_pages_show_brackets_not_treebank_codes():
    from tests.conftest import chart, open_app

    at = open_app("pages/word_by_word.py")
    at.text_area(key="review").input("a (great) film / show").run()
    assert not at.exception
    strip = " ".join(h.proto.body for h in at.get("html"))
    fig = str(chart(at, "word_by_word_chart"))
    assert "-lrb-" not in strip + fig and "\\\\/" not in strip and "(" in strip
    at.switch_page("pages/one_step.py").run()
    assert "-lrb-" not in str(at.dataframe[0].value["word"].tolist())
