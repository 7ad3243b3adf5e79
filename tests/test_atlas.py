"""The hidden-state explorer's numbers: the map's basis against numpy's SVD, projections from the stored atlas,
each unit's strongest words against a direct scan of the dictionary, the atlas files themselves (fresh, small,
numbers only, the same bytes on every run), contexts and nearest sentences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnn_core import list_models, load_model, load_vocab, trace
from rnn_core.explain.atlas import (
    fit_basis,
    positive_direction,
    review_path,
    sentence_states,
    strongest_words,
    unit_meaning,
    unit_order,
    unit_report,
    word_mask,
)
from rnn_core.explain.atlas_file import (
    MAX_BYTES,
    atlas_path,
    atlas_status,
    build_atlas,
    file_sha256,
    load_atlas,
    main,
    save_atlas,
)
from rnn_core.explain.treebank_states import context_of, nearest, treebank_states, unit_contexts
from rnn_core.model.checkpoint import MODELS_DIR, resolve_model_path, save_model
from rnn_core.text.sentences import read_sentences
from rnn_core.text.treebank import read_split, sentences
from tests.conftest import make_model

SHIPPED = sorted(list_models(MODELS_DIR))
METADATA = {"format", "model", "model_sha256", "cell", "head", "classes", "train_sha256"}  # the only strings in an atlas
TREES = [  # a treebank in miniature, with words of both dictionaries
    "(3 (2 the) (3 (3 movie) (3 (2 's) (4 great))))",
    "(1 (2 it) (1 (1 (2 's) (2 not)) (3 good)))",
    "(0 (1 boring) (2 .))",
    "(4 (3 (3 good) (2 ,)) (4 (2 not) (1 bad)))",
    "(2 (2 movie))",
]


@pytest.fixture
def fake_treebank(tmp_path):
    folder = tmp_path / "sst"
    folder.mkdir()
    (folder / "train.txt").write_text("\n".join(TREES) + "\n", encoding="utf-8")
    for split in ("dev", "test"):
        (folder / f"{split}.txt").write_text(TREES[0] + "\n", encoding="utf-8")
    return folder


def random_sentences(vocab_size: int, count: int = 40, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [list(rng.integers(2, vocab_size, size=rng.integers(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_basis_against_numpy_svd(tiny_vocab, cell):
    model = make_model(cell, "sigmoid", tiny_vocab, hidden_size=5)
    states, offsets = sentence_states(model, random_sentences(len(tiny_vocab)))
    basis = fit_basis(states, positive_direction(model))
    x = states.astype(np.float64)
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(np.abs(basis.components @ vt[:2].T), np.eye(2), atol=1e-8)  # the same axes, up to sign
    np.testing.assert_allclose(basis.explained, s[:2] ** 2 / (s**2).sum(), atol=1e-10)
    assert np.all(basis.components @ positive_direction(model) >= 0)  # both axes point towards "positive"
    np.testing.assert_allclose(basis.project(states), centred @ basis.components.T, atol=1e-10)


def test_sentence_states_equal_each_sentence_alone(tiny_vocab):
    model = make_model("lstm", "sigmoid", tiny_vocab, hidden_size=4)
    ids = random_sentences(len(tiny_vocab), count=30, seed=1)
    states, offsets = sentence_states(model, ids, batch=7)
    for s, sentence in enumerate(ids):
        with torch.no_grad():
            alone = model.hidden_states(torch.tensor([sentence]))[0].numpy()  # (T, H)
        np.testing.assert_allclose(states[offsets[s] : offsets[s + 1]], alone, atol=1e-6)


def scan(model) -> np.ndarray:
    """Every dictionary word as a review of one word, through the model's forward pass: h_1, (V, H)."""
    ids = torch.arange(model.config.vocab_size)[:, None]  # (V, 1)
    with torch.no_grad():
        return model.hidden_states(ids)[:, 0].numpy()  # (V, H)


def check_strongest(words, h1: np.ndarray, mask: np.ndarray, k: int) -> None:
    """Stored ids hold the k highest / lowest real words of every unit (ties within 1e-6 may swap)."""
    for unit in range(h1.shape[1]):
        for side, sign in enumerate((1.0, -1.0)):
            ids = words.ids[unit, side]
            assert mask[ids].all() and len(set(ids.tolist())) == k
            np.testing.assert_allclose(words.values[unit, side], h1[ids, unit], atol=1e-5)
            score = sign * h1[:, unit]
            assert np.all(np.diff(score[ids]) <= 1e-6)  # strongest first
            others = np.setdiff1d(np.flatnonzero(mask), ids)
            assert score[ids].min() >= score[others].max() - 1e-6


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_strongest_words_against_a_word_by_word_scan(tiny_vocab, cell):
    model = make_model(cell, "softmax", tiny_vocab, hidden_size=3)
    with torch.no_grad():
        h1 = np.stack([model.hidden_states(torch.tensor([[i]]))[0, 0].numpy() for i in range(len(tiny_vocab))])  # (V, H)
    mask = word_mask(model)
    assert not mask[:2].any()  # <pad> and <unk> are not words
    check_strongest(strongest_words(model, k=4), h1, mask, k=4)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_atlas_is_up_to_date_small_and_numbers_only(name):
    status = atlas_status(resolve_model_path(name))
    assert status.atlas is not None, f"{status.problem} Run: {status.command}"
    path = atlas_path(name)
    assert path.stat().st_size <= MAX_BYTES
    with np.load(path, allow_pickle=False) as z:
        text = {k for k in z.files if z[k].dtype.kind in "US"}
        assert text <= METADATA, text  # no treebank text: numbers and dictionary indices only
        assert all(z[k].size <= 3 for k in text)


@pytest.mark.parametrize("name", SHIPPED)
def test_projection_of_a_trace_from_the_stored_basis(name):
    atlas = load_atlas(atlas_path(name))
    model = load_model(name)
    tr = trace(model, "the start was slow but the ending was wonderful")
    with np.load(atlas_path(name), allow_pickle=False) as z:
        mean, components = z["mean"], z["components"]
    expected = (tr.hidden.astype(np.float64) - mean) @ components.T  # (T, 2)
    path = review_path(atlas.basis, tr)
    np.testing.assert_allclose(path[1:], expected, atol=1e-5)
    np.testing.assert_allclose(path[0], -mean @ components.T, atol=1e-5)  # h_0 = 0
    one_axis = model.config.hidden_size == 1  # one unit: the second axis is zero
    np.testing.assert_allclose(
        atlas.basis.components @ atlas.basis.components.T, np.diag([1.0, 0.0 if one_axis else 1.0]), atol=1e-6
    )
    assert 0 < atlas.basis.explained.sum() <= 1 + 1e-9 and atlas.sample_xy.shape == (3000, 2)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_strongest_words_against_a_scan_of_the_dictionary(name):
    model = load_model(name)
    atlas = load_atlas(atlas_path(name))
    check_strongest(atlas.words, scan(model), word_mask(model), k=atlas.words.ids.shape[2])


def test_a_retrained_model_makes_its_atlas_out_of_date(tmp_path):
    vocab = load_vocab()
    path = tmp_path / "tiny-sst2.pt"  # the shipped name, other weights: as after a retrain
    save_model(make_model("rnn", "sigmoid", vocab, hidden_size=1), path, vocab)
    status = atlas_status(path)
    assert status.atlas is None and "out of date" in status.problem
    assert status.command == "python -m rnn_core.atlas --model tiny-sst2"
    assert "no atlas" in atlas_status(tmp_path / "trained-later.pt").problem


def test_the_command_writes_the_same_bytes_twice_and_checks(tmp_path, fake_treebank, monkeypatch, capsys):
    vocab = load_vocab()
    models = tmp_path / "models"
    models.mkdir()
    save_model(make_model("gru", "sigmoid3", vocab, hidden_size=3), models / "small.pt", vocab)
    monkeypatch.setenv("RNN_LENS_MODELS", str(models))
    out = tmp_path / "atlas"
    main(["--model", "small", "--data-dir", str(fake_treebank), "--out", str(out)])
    first = (out / "small.npz").read_bytes()
    main(["--all", "--data-dir", str(fake_treebank), "--out", str(out)])
    assert (out / "small.npz").read_bytes() == first  # rerunnable: nothing changes, nothing to commit
    with pytest.raises(SystemExit) as done:
        main(["--all", "--check", "--out", str(out)])
    assert done.value.code == 0
    atlas = load_atlas(out / "small.npz")
    assert atlas.model_sha256 == file_sha256(models / "small.pt") and atlas.sentences == len(TREES)
    assert atlas.states == sum(len(s.tokens) for s in read_sentences(fake_treebank)) == len(atlas.sample_xy)
    assert atlas.classes == ("negative", "neutral", "positive") and atlas.sample_probs.shape == (atlas.states, 3)
    save_model(make_model("gru", "sigmoid3", vocab, hidden_size=3, seed=9), models / "small.pt", vocab)  # "retrained"
    with pytest.raises(SystemExit) as done:
        main(["--model", "small", "--check", "--out", str(out)])
    assert done.value.code == 1 and "out of date" in capsys.readouterr().out


def test_a_damaged_atlas_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="broken.npz"):
        load_atlas(bad)


def test_background_and_contexts_on_a_small_treebank(fake_treebank):
    vocab = load_vocab()
    model = make_model("rnn", "sigmoid", vocab, hidden_size=4)
    atlas = build_atlas(model, MODELS_DIR / "tiny-sst2.pt", fake_treebank, points=6)
    saved = load_atlas(save_atlas(atlas, fake_treebank / "a.npz"))
    sents = read_sentences(fake_treebank)
    for (s, pos), xy, p, word in zip(saved.sample_refs, saved.sample_xy, saved.sample_probs, saved.sample_ids):
        tr = trace(model, " ".join(sents[s].tokens))
        np.testing.assert_allclose(xy, saved.basis.project(tr.hidden[pos]), atol=1e-5)
        np.testing.assert_allclose(p, tr.probs[pos], atol=1e-5)
        assert word == tr.ids[pos]
    ts = treebank_states(model, sents)
    for s, sentence in enumerate(sents):
        np.testing.assert_allclose(ts.final[s], trace(model, " ".join(sentence.tokens)).hidden[-1], atol=1e-5)
    states, offsets = sentence_states(model, [vocab.encode(s.tokens) for s in sents])
    for unit in range(4):
        (s, pos) = ts.context_refs[unit, 0, 0]
        assert ts.context_values[unit, 0, 0] == pytest.approx(states[:, unit].max(), abs=1e-6)
        assert states[offsets[s] + pos, unit] == pytest.approx(states[:, unit].max(), abs=1e-6)
        (s, pos) = ts.context_refs[unit, 1, 0]
        assert states[offsets[s] + pos, unit] == pytest.approx(states[:, unit].min(), abs=1e-6)


def test_contexts_end_on_distinct_words():
    states = np.array([[0.9], [0.9], [0.5], [-0.2], [0.8]], dtype=np.float32)  # words 7, 7, 8, 9, 7
    refs, values = unit_contexts(states, np.array([0, 3, 5]), np.array([7, 7, 8, 9, 7]), n=3)
    assert refs[0, 0].tolist() == [[0, 0], [0, 2], [1, 0]]  # 0.9 (word 7, first place), 0.5 (word 8), -0.2 (word 9)
    np.testing.assert_allclose(values[0, 0], [0.9, 0.5, -0.2])
    assert context_of(["a", "b", "c", "d", "e", "f", "g"], 6) == "… c d e f g"
    assert context_of(["a", "b"], 1) == "a b"


def test_nearest_by_cosine():
    final = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.1], [0.0, 0.0], [2.0, 0.0]])
    order, cosine = nearest(final, np.array([1.0, 1.0]), k=3)
    brute = final @ [1, 1] / np.maximum(np.linalg.norm(final, axis=1) * np.sqrt(2), 1e-300)
    assert order.tolist() == [2, 0, 1] and np.allclose(cosine, brute[order])  # ties (0 and 4) go to the earlier row


@pytest.mark.parametrize("name", ["rnn-sst2", "rnn-sst3"])
def test_unit_report_adds_up_to_the_logit(name):
    model = load_model(name)
    tr = trace(model, "not good , bad")
    reports = [unit_report(model, tr, u) for u in range(model.config.hidden_size)]
    total = np.sum([r.contributions for r in reports], axis=0) + model.b_y.numpy()
    np.testing.assert_allclose(total, tr.logits[-1], atol=1e-4)
    assert [r.unit for r in sorted(reports, key=lambda r: r.rank)] == unit_order(model).tolist()
    top = reports[int(unit_order(model)[0])]
    assert "the largest of the 64 units" in unit_meaning(top) and f"{top.contributions[-1]:+.3f}" in unit_meaning(top)


@pytest.mark.data
def test_fast_sentences_equal_the_full_parse(data_dir):
    assert read_sentences(data_dir, "train") == sentences(read_split(data_dir, "train"))


@pytest.mark.data
@pytest.mark.parametrize("name", ["rnn-sst2", "lstm-sst2"])
def test_shipped_background_recomputed_from_the_treebank(data_dir, name):
    atlas = load_atlas(atlas_path(name))
    assert atlas.train_sha256 == file_sha256(data_dir / "train.txt")
    model = load_model(name)
    sents = read_sentences(data_dir, "train")
    for i in range(0, len(atlas.sample_refs), 150):
        s, pos = atlas.sample_refs[i]
        ids = model.vocab.encode(sents[s].tokens)
        hidden = model.hidden_states(torch.tensor([ids]))[0]  # (T, H): this one sentence alone
        probs = torch.sigmoid(hidden @ model.W_hy.t() + model.b_y)  # (T, 1)
        np.testing.assert_allclose(atlas.sample_xy[i], atlas.basis.project(hidden[pos].numpy()), atol=1e-4)
        np.testing.assert_allclose(atlas.sample_probs[i], probs[pos].numpy(), atol=1e-5)
        assert atlas.sample_ids[i] == ids[pos]
