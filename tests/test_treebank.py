import pytest

from rnn_core.text.treebank import BINARY, THREE_CLASS, Phrase, parse_tree, unique_phrases
from rnn_core.text.vocab import PAD, UNK, Vocab


def test_every_node_is_a_labelled_phrase_root_first():
    phrases = parse_tree("(3 (2 It) (4 (2 's) (3 lovely)))")
    assert phrases[0] == Phrase(("it", "'s", "lovely"), 3)
    assert Phrase(("'s", "lovely"), 4) in phrases
    assert Phrase(("lovely",), 3) in phrases
    assert len(phrases) == 5


def test_leaf_with_a_space_inside():
    phrases = parse_tree("(2 (2 like) (2 8\xa01\\/2))")
    assert phrases[0].tokens == ("like", "8\xa01\\/2")


@pytest.mark.parametrize("line", ["(3 (2 It)", "(x (2 a))", "(2 a) extra", "2 a"])
def test_malformed_trees_raise(line):
    with pytest.raises(ValueError, match="malformed"):
        parse_tree(line)


def test_label_views_and_unique_phrases():
    assert set(BINARY) == {0, 1, 3, 4} and BINARY[1] == 0 and BINARY[3] == 1
    assert THREE_CLASS[2] == 1 and THREE_CLASS[0] == 0 and THREE_CLASS[4] == 2
    trees = [parse_tree("(3 (2 a) (3 b))"), parse_tree("(1 (2 a) (1 c))")]
    assert [p.tokens for p in unique_phrases(trees)] == [("a", "b"), ("a",), ("b",), ("a", "c"), ("c",)]


def test_vocab_frequency_order_unknowns_and_one_hot(tmp_path):
    vocab = Vocab.build([["b", "a", "b"], ["c", "b", "a"]], size=4)
    assert vocab.itos == (PAD, UNK, "b", "a")
    assert vocab.encode(["a", "zzz"]) == [3, 1]
    assert vocab.decode([2, 3]) == ["b", "a"]
    vec = vocab.one_hot("a")
    assert vec.shape == (4,) and vec.sum() == 1 and vec[3] == 1
    vocab.save(tmp_path / "v.json")
    assert Vocab.load(tmp_path / "v.json") == vocab
    (tmp_path / "bad.json").write_text('{"a": 1}')
    with pytest.raises(ValueError, match="not an RNN Lens dictionary"):
        Vocab.load(tmp_path / "bad.json")
