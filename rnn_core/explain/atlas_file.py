"""The explorer's precomputed atlas: one small file per model in assets/atlas/, and the command that writes it.

    python -m rnn_core.atlas --model NAME [--model NAME ...] | --all   [--data-dir DIR] [--out DIR] [--check]

An atlas holds numbers and dictionary indices only, never treebank text: the map's basis (PCA of the hidden
states after every word of the treebank's training sentences), a fixed random sample of those states placed on
the map with the model's answer there, and each unit's strongest dictionary words. It records the sha256 of the
model file it was computed from, so a retrained model is seen to be out of date. The same model and data give
the same bytes, so rerunning the command after nothing changed leaves git with nothing to commit.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.checkpoint import ASSETS, ModelFileError, list_models, load_model, resolve_model_path
from ..model.network import SentimentRNN, class_indices
from ..text.data import DataUnavailable, find_data_dir
from ..text.sentences import read_sentences
from .atlas import Basis, UnitWords, answers, fit_basis, positive_direction, sentence_states, strongest_words

FORMAT = "rnn-lens-atlas/1"
ATLAS_DIR = ASSETS / "atlas"
BACKGROUND_POINTS = 3000  # enough to show the cloud's shape, few enough for a browser to draw and animate over smoothly
SEED = 0  # the background sample is the same on every run
MAX_BYTES = 3_000_000  # the limit per model (the files are committed)


class AtlasError(ValueError):
    """An atlas file is damaged or not an RNN Lens atlas; the message names the file."""


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def atlas_path(name: str, folder: str | Path | None = None) -> Path:
    """Where the atlas of the model called ``name`` lives (default: assets/atlas/NAME.npz)."""
    return Path(folder or ATLAS_DIR) / f"{name}.npz"


@dataclass(frozen=True)
class AtlasFile:
    """One model's atlas. N background points, H hidden units, C outputs, K strongest words per unit and sign."""

    model: str
    model_sha256: str  # of the model file it was computed from: another file means the atlas is out of date
    cell: str
    head: str
    classes: tuple[str, ...]
    train_sha256: str  # of the treebank's train.txt
    sentences: int  # training sentences read
    states: int  # hidden states the basis was fitted on (one per word of those sentences)
    basis: Basis
    sample_xy: np.ndarray  # (N, 2) map coordinates of the background sample
    sample_probs: np.ndarray  # (N, C) the model's answer in each of those states
    sample_ids: np.ndarray  # (N,) dictionary index of the word just read there
    sample_refs: np.ndarray  # (N, 2) (sentence, position) in the training split, so a test can recompute each point
    words: UnitWords  # (H, 2, K) strongest dictionary words per unit

    @property
    def hidden_size(self) -> int:
        return self.basis.mean.shape[0]

    @property
    def sample_classes(self) -> np.ndarray:
        """The class each background state stands for, by the one rule (model.network.class_indices). (N,)"""
        import torch  # the rule is written for tensors

        return class_indices(torch.as_tensor(self.sample_probs)).numpy()

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "format": np.array(FORMAT),
            "model": np.array(self.model),
            "model_sha256": np.array(self.model_sha256),
            "cell": np.array(self.cell),
            "head": np.array(self.head),
            "classes": np.array(self.classes),
            "train_sha256": np.array(self.train_sha256),
            "counts": np.array([self.sentences, self.states], dtype=np.int64),
            "mean": self.basis.mean,
            "components": self.basis.components,
            "explained": self.basis.explained,
            "sample_xy": self.sample_xy.astype(np.float32),
            "sample_probs": self.sample_probs.astype(np.float32),
            "sample_ids": self.sample_ids.astype(np.int16),
            "sample_refs": self.sample_refs.astype(np.int32),
            "word_ids": self.words.ids.astype(np.int16),
            "word_values": self.words.values.astype(np.float32),
        }


def build_atlas(model: SentimentRNN, model_path: str | Path, data_dir: str | Path, points: int = BACKGROUND_POINTS) -> AtlasFile:
    """Compute a model's atlas from the treebank's training sentences (seconds on a CPU)."""
    sentences = read_sentences(data_dir, "train")
    ids = [model.vocab.encode(s.tokens) for s in sentences]
    states, offsets = sentence_states(model, ids)  # (N, H), (S + 1,)
    basis = fit_basis(states, positive_direction(model))
    pick = np.sort(np.random.default_rng(SEED).choice(len(states), size=min(points, len(states)), replace=False))
    sentence = np.searchsorted(offsets, pick, side="right") - 1
    return AtlasFile(
        model=Path(model_path).stem,
        model_sha256=file_sha256(model_path),
        cell=model.config.cell,
        head=model.config.head,
        classes=model.config.classes,
        train_sha256=file_sha256(Path(data_dir) / "train.txt"),
        sentences=len(sentences),
        states=len(states),
        basis=basis,
        sample_xy=basis.project(states[pick]).astype(np.float32),
        sample_probs=answers(model, states[pick]),
        sample_ids=np.concatenate(ids)[pick],
        sample_refs=np.stack([sentence, pick - offsets[sentence]], axis=1),
        words=strongest_words(model),
    )


def save_atlas(atlas: AtlasFile, path: str | Path) -> Path:
    """Write the atlas as an .npz (write_npz)."""
    return write_npz(atlas.to_arrays(), path)


def write_npz(arrays: dict[str, np.ndarray], path: str | Path) -> Path:
    """Write an .npz that np.load reads without pickle; fixed zip dates make the bytes depend on the numbers only.

    Written beside the target and renamed into place, so a page reading it meanwhile never sees half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    os.replace(tmp, path)
    return path


def load_atlas(path: str | Path) -> AtlasFile:
    """Read an atlas (no pickle: arrays and strings only); raises AtlasError naming the file if it cannot."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        if str(a.get("format")) != FORMAT:
            raise ValueError(f"not an RNN Lens atlas (expected format {FORMAT!r})")
        h = a["mean"].shape[0]
        if a["components"].shape != (2, h) or a["word_ids"].shape[:2] != (h, 2) or a["sample_xy"].shape[1:] != (2,):
            raise ValueError("its arrays do not fit together")
        sentences, states = (int(v) for v in a["counts"])
        return AtlasFile(
            model=str(a["model"]),
            model_sha256=str(a["model_sha256"]),
            cell=str(a["cell"]),
            head=str(a["head"]),
            classes=tuple(str(c) for c in a["classes"]),
            train_sha256=str(a["train_sha256"]),
            sentences=sentences,
            states=states,
            basis=Basis(mean=a["mean"], components=a["components"], explained=a["explained"]),
            sample_xy=a["sample_xy"],
            sample_probs=a["sample_probs"],
            sample_ids=a["sample_ids"].astype(np.int64),
            sample_refs=a["sample_refs"],
            words=UnitWords(ids=a["word_ids"].astype(np.int64), values=a["word_values"]),
        )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as err:
        raise AtlasError(f"{path}: damaged or not an RNN Lens atlas ({err})") from None


@dataclass(frozen=True)
class AtlasStatus:
    """A model's atlas if it is there and was computed from this very model file, else why not (``problem``)."""

    atlas: AtlasFile | None
    problem: str | None = None
    command: str = ""  # what to run to make it


def atlas_status(model_path: str | Path, folder: str | Path | None = None) -> AtlasStatus:
    """Is there an atlas for this model file, and was it computed from it (same sha256)?"""
    name = Path(model_path).stem
    path = atlas_path(name, folder)
    command = f"python -m rnn_core.atlas --model {name}"
    if not path.is_file():
        return AtlasStatus(None, f"There is no atlas for {name} yet (a model trained after the atlases were made?).", command)
    try:
        atlas = load_atlas(path)
    except AtlasError as err:
        return AtlasStatus(None, str(err), command)
    if not Path(model_path).is_file() or atlas.model_sha256 != file_sha256(model_path):
        return AtlasStatus(None, f"The atlas of {name} is out of date: it was computed from another {name}.pt.", command)
    return AtlasStatus(atlas, None, command)


def write_one(name: str, data_dir: Path, out: Path | None) -> str:
    """Compute and write one model's atlas; a line for the console."""
    t0 = time.perf_counter()
    model_path = resolve_model_path(name)
    atlas = build_atlas(load_model(model_path), model_path, data_dir)
    path = save_atlas(atlas, atlas_path(model_path.stem, out))
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{path}: {size:,} bytes, over the {MAX_BYTES:,} allowed per model")
    share = ", ".join(f"PC{i + 1} {v:.1%}" for i, v in enumerate(atlas.basis.explained))
    return (
        f"{model_path.stem}: {size / 1e3:.0f} kB, {share} of the variance of {atlas.states:,} states "
        f"({atlas.sentences:,} sentences), {time.perf_counter() - t0:.1f} s -> {path}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rnn_core.atlas", description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", action="append", help="a model name (in the models folder) or a .pt path; repeatable")
    which.add_argument("--all", action="store_true", help="every model in the models folder")
    parser.add_argument("--data-dir", help="the treebank folder (else RNN_LENS_DATA, the cache, or a verified download)")
    parser.add_argument("--out", type=Path, help=f"where to write NAME.npz (default {ATLAS_DIR})")
    parser.add_argument("--check", action="store_true", help="only say which atlases are missing or out of date (exit 1 if any)")
    args = parser.parse_args(argv)
    names = list(list_models()) if args.all else args.model
    if args.check:
        problems = [f"{n}: {s.problem}" for n in names if (s := atlas_status(resolve_model_path(n), args.out)).problem]
        print("\n".join(problems) or f"{len(names)} atlases up to date")
        raise SystemExit(1 if problems else 0)
    try:
        data_dir = find_data_dir(args.data_dir)
        for name in names:
            print(write_one(name, data_dir, args.out), flush=True)
    except (DataUnavailable, ModelFileError) as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
