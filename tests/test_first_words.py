"""The first-word tables: every row is the live experiment's answer, and a table is used only for its own model file."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from rnn_core import load_model
from rnn_core.explain.atlas_file import file_sha256, write_npz
from rnn_core.explain.first_words import (
    FORMAT,
    FirstWordTable,
    TableError,
    build_table,
    current_table,
    load_table,
    save_table,
    table_path,
)
from rnn_core.explain.gradients import EXPERIMENT_LENGTHS, first_word_experiment
from rnn_core.explain.gradients import EXPERIMENT_SAMPLES as SAMPLES
from rnn_core.explain.gradients import EXPERIMENT_SEED as SEED
from rnn_core.lesson import CELL_MODELS
from rnn_core.model.checkpoint import resolve_model_path, save_model
from tests.conftest import make_model


@pytest.fixture(params=["rnn", "lstm", "gru"])
def tiny_file(request, tiny_vocab, tmp_path):
    model = make_model(request.param, "sigmoid", tiny_vocab, hidden_size=4)
    path = tmp_path / f"tiny-{request.param}.pt"
    save_model(model, path, tiny_vocab)  # the table's digest is of this file
    return model, path


def test_every_row_is_the_live_experiment(tiny_file, tmp_path):
    model, path = tiny_file
    shares = build_table(model, batch=3)  # batches that cut the dictionary unevenly
    assert shares.shape == (model.config.vocab_size, len(EXPERIMENT_LENGTHS)) and shares.dtype == np.float32
    table = FirstWordTable(file_sha256(path), EXPERIMENT_LENGTHS, SAMPLES, SEED, shares)
    save_table(table, table_path(path.stem, tmp_path / "tables"))
    read = current_table(path, tmp_path / "tables")
    assert read is not None
    for first_id in range(1, model.config.vocab_size):
        live, stored = first_word_experiment(model, first_id), read.experiment(first_id)
        assert stored.left == pytest.approx(live.left, rel=1e-6)
        assert np.array_equal(stored.fillers, live.fillers) and stored.first_id == first_id


def test_a_table_of_another_file_or_experiment_is_not_used(tiny_file, tmp_path):
    model, path = tiny_file
    folder = tmp_path / "tables"
    shares = np.zeros((model.config.vocab_size, len(EXPERIMENT_LENGTHS)), dtype=np.float32)
    save_table(FirstWordTable(file_sha256(path), EXPERIMENT_LENGTHS, SAMPLES, SEED, shares), table_path(path.stem, folder))
    assert current_table(path, folder) is not None
    save_table(FirstWordTable(file_sha256(path), (3, 6), SAMPLES, SEED, shares[:, :2]), table_path(path.stem, folder))
    assert current_table(path, folder) is None  # other lengths than the page's
    save_table(FirstWordTable("0" * 64, EXPERIMENT_LENGTHS, SAMPLES, SEED, shares), table_path(path.stem, folder))
    assert current_table(path, folder) is None  # computed from another model file
    write_npz({"format": np.array(FORMAT), "model_sha256": np.array(file_sha256(path)), "lengths": np.array(3),
               "experiment": np.array(0), "shares": shares}, table_path(path.stem, folder))  # fmt: skip
    assert current_table(path, folder) is None  # the right format, arrays of the wrong shape
    table_path(path.stem, folder).write_bytes(b"not a zip file")
    assert current_table(path, folder) is None
    with pytest.raises(TableError, match="damaged"):
        load_table(table_path(path.stem, folder))


@pytest.mark.parametrize("name", list(CELL_MODELS.values()))
def test_shipped_tables_are_the_shipped_models_answers(name):
    path = resolve_model_path(name)
    table = current_table(path)
    assert table is not None, f"assets/first_words/{name}.npz is missing or out of date: python -m rnn_core.first_words"
    model = load_model(path)
    vocab = model.vocab
    rng = random.Random(name)
    ids = [vocab.unk_id, vocab.encode(["the"])[0], len(vocab) - 1]
    ids += rng.sample(range(2, len(vocab)), 5)
    for first_id in ids:
        assert table.experiment(first_id).left == pytest.approx(first_word_experiment(model, first_id).left, rel=1e-6)
    assert torch.isfinite(torch.from_numpy(table.shares[1:])).all()
