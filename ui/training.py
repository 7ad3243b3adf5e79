"""Live trainings for every session of this server process: one runs at a time, the others wait their turn.

Training is the one heavy thing in the app. A single worker thread (one torch thread) takes jobs in order; each job
has a time cap, stops when asked, and is dropped when its browser tab has not looked for it for a while (the tab
closed). Pages poll their job: nothing here blocks a script run.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from rnn_core import SentimentRNN
from rnn_core.explain.claims import memory_lesson
from rnn_core.figures.training import training_figure
from rnn_core.lesson import DEFAULT_MODEL
from rnn_core.model.cards import CELL_NAMES
from rnn_core.model.live import LiveConfig, Progress, TrainingDiverged, train_live
from rnn_core.model.memory_reference import OUT as REFERENCE
from rnn_core.model.memory_task import TaskData, TaskWords, memory_task, sentiment_sample, task_words
from rnn_core.text.data import DataUnavailable, find_data_dir
from rnn_core.text.treebank import read_split, sentences, unique_phrases

from .figures import CHART, presenter
from .models import add_session_model, get_model

CURVES = ("train_loss", "heldout_loss", "train_accuracy", "heldout_accuracy", "grad_first", "grad_last")
ABANDONED_AFTER = 20.0  # seconds without a look from its tab: the tab has closed, the job is dropped


@dataclass
class Job:
    """One training: its settings and data, where it stands, what it has reported, and the model once done."""

    id: int
    cfg: LiveConfig
    train: TaskData
    heldout: TaskData
    vocab_size: int
    status: str = "queued"  # queued, running, done, stopped, failed, abandoned
    message: str = ""
    progress: list[Progress] = field(default_factory=list)
    model: SentimentRNN | None = None
    last_seen: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    offered: str | None = None  # the name under which this tab's picker offers the trained model

    def seen(self) -> None:
        self.last_seen = time.monotonic()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "stopped", "failed", "abandoned")


class TrainingQueue:
    """Jobs in arrival order and one worker thread that runs them one at a time."""

    def __init__(self, abandoned_after: float = ABANDONED_AFTER) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[Job] = deque()
        self._ids = itertools.count(1)
        self._worker: threading.Thread | None = None
        self.running: Job | None = None
        self.abandoned_after = abandoned_after

    def submit(self, cfg: LiveConfig, train: TaskData, heldout: TaskData, vocab_size: int) -> Job:
        job = Job(next(self._ids), cfg, train, heldout, vocab_size)
        with self._lock:
            self._waiting.append(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="rnn-lens-training", daemon=True)
                self._worker.start()
        return job

    def ahead_of(self, job: Job) -> int:
        """How many trainings run or wait before this one (0 once it runs)."""
        with self._lock:
            if job.status != "queued":
                return 0
            waiting = list(self._waiting)
        return waiting.index(job) + (self.running is not None) if job in waiting else 0

    def _next(self) -> Job | None:
        with self._lock:
            while self._waiting:
                job = self._waiting.popleft()
                if self._gone(job):
                    job.status, job.message = "abandoned", "its tab closed before it started"
                    continue
                self.running = job
                return job
            self.running = None
            self._worker = None
            return None

    def _gone(self, job: Job) -> bool:
        return job.stop.is_set() or time.monotonic() - job.last_seen > self.abandoned_after

    def _work(self) -> None:
        while (job := self._next()) is not None:
            self._run(job)

    def _run(self, job: Job) -> None:
        job.status = "running"
        try:
            for event in train_live(job.cfg, job.train, job.heldout, job.vocab_size, should_stop=lambda: self._gone(job)):
                if isinstance(event, Progress):
                    job.progress.append(event)
                else:
                    job.model = event
            if time.monotonic() - job.last_seen > self.abandoned_after:
                job.status, job.model = "abandoned", None
            elif job.stop.is_set():
                job.status, job.message = "stopped", "stopped: the model so far is kept"
            elif job.progress and job.progress[-1].seconds > job.cfg.max_seconds:
                job.status, job.message = "stopped", f"stopped at the {job.cfg.max_seconds:.0f}-second limit"
            else:
                job.status = "done"
        except TrainingDiverged as err:
            job.status, job.message, job.model = "failed", str(err), None
        except Exception as err:  # a failed training must never take the worker (and every queued job) down
            job.status, job.message, job.model = "failed", f"training failed: {err}", None


@st.cache_resource(show_spinner=False)
def training_queue() -> TrainingQueue:
    """The queue of this server process, shared by every session."""
    return TrainingQueue()


SENTIMENT_TRAIN, SENTIMENT_HELDOUT = 4_000, 500  # phrases: a tiny-sst2 of one's own trains in under a minute
MEMORY_TRAIN, MEMORY_HELDOUT = 2_000, 500


@st.cache_resource(show_spinner=False)
def _task_words(sentiment_model: str) -> TaskWords:
    return task_words(get_model(sentiment_model))


@st.cache_resource(max_entries=32, show_spinner=False)
def memory_data(fillers: int, sentiment_model: str = DEFAULT_MODEL) -> tuple[TaskData, TaskData]:
    """Training and held-out sequences of the memory task with L fillers (seeded: the same for everyone)."""
    words = _task_words(sentiment_model)
    return memory_task(words, fillers, MEMORY_TRAIN, seed=1), memory_task(words, fillers, MEMORY_HELDOUT, seed=2)


@st.cache_resource(max_entries=2, show_spinner="Reading the treebank...")
def sentiment_data() -> tuple[TaskData, TaskData]:
    """A seeded sample of the treebank's training phrases, and dev sentences held out. Raises DataUnavailable."""
    folder = find_data_dir(allow_download=True)
    vocab = get_model(DEFAULT_MODEL).vocab
    train = sentiment_sample(unique_phrases(read_split(folder, "train")), vocab, SENTIMENT_TRAIN, seed=1)
    heldout = sentiment_sample(sentences(read_split(folder, "dev")), vocab, SENTIMENT_HELDOUT, seed=2, max_len=60)
    return train, heldout


def trained_card(job: Job) -> dict:
    """The card a model trained in this tab carries: what it is, how it did, and the picker's label."""
    cfg, last = job.cfg, job.progress[-1]
    cell = CELL_NAMES[cfg.cell]
    task = f"memory task, L = {cfg.fillers}" if cfg.task == "memory" else "treebank sample"
    return {
        "cell": cfg.cell, "head": "sigmoid", "hidden_size": cfg.hidden_size, "test_accuracy": last.heldout_accuracy,
        "test_n": len(job.heldout), "task": task, "trained_in_this_tab": True, "seed": cfg.seed,
        "label": f"yours: {cell}, {cfg.hidden_size} unit{'s' * (cfg.hidden_size > 1)}, {last.heldout_accuracy:.0%} ({task})",
    }  # fmt: skip


@dataclass(frozen=True)
class Reference:
    """The shipped memory-task results, ready for the page."""

    figure_args: tuple
    lesson: str
    caption: str


@st.cache_resource(show_spinner=False)
def memory_reference() -> Reference | None:
    """The results of `python -m rnn_core.memory_task`, or None when they are not shipped (or unreadable)."""
    try:
        data = json.loads(REFERENCE.read_text(encoding="utf-8"))
        fillers, cells = data["fillers"], data["cells"]
        accuracy = {CELL_NAMES[c]: v["accuracy"] for c, v in cells.items()}
        median = {CELL_NAMES[c]: v["median"] for c, v in cells.items()}
        crossing = {CELL_NAMES[c]: v["crossover"] for c, v in cells.items()}
        grid = "; ".join(f"{CELL_NAMES[c]} {', '.join(f'{lr:g}' for lr in lrs)}" for c, lrs in data["grid"].items())
        s = data["settings"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    caption = (
        f"Held-out accuracy after training on {s['train']:,} sequences ({s['heldout']} held out), hidden size "
        f"{s['hidden_size']}, at most {s['epochs']} epochs or {s['max_seconds']:.0f} s per run: the line is the median of "
        f"{len(data['seeds'])} seeds, the band their range. Each cell gets the best learning rate of a small grid ({grid}). "
        "Made by `python -m rnn_core.memory_task`."
    )
    return Reference((fillers, accuracy), memory_lesson(fillers, median, crossing), caption)


def start_training(cfg: LiveConfig) -> None:
    """Queue a training for this tab (a button's callback); a tab runs one training at a time."""
    old = st.session_state.get("train_job")
    if old is not None and not old.finished:
        return
    try:
        train, heldout = memory_data(cfg.fillers) if cfg.task == "memory" else sentiment_data()
    except DataUnavailable as err:
        st.session_state["train_error"] = f"The sentiment task needs the treebank: {err}"
        return
    st.session_state.pop("train_error", None)
    st.session_state["train_job"] = training_queue().submit(cfg, train, heldout, len(get_model(DEFAULT_MODEL).vocab))


def stop_training() -> None:
    job = st.session_state.get("train_job")
    if job is not None:
        job.stop.set()


def show_job() -> None:
    """This tab's training: its place in the queue, growing curves, and the model it made."""
    if "train_error" in st.session_state:
        st.error(st.session_state["train_error"])
    job = st.session_state.get("train_job")
    if job is not None:
        st.fragment(run_every=None if job.finished else 1.0)(_job_panel)(job)


def _job_panel(job: Job) -> None:
    job.seen()
    if job.status == "queued":
        ahead = training_queue().ahead_of(job)
        st.info(f"Waiting for the trainer: {ahead} ahead of you.", icon=":material/hourglass_top:")
    if job.progress:
        last = job.progress[-1]
        st.progress(min(last.share, 1.0), text=f"epoch {last.epoch} of {job.cfg.epochs} · {last.seconds:.0f} s")
        curves = {k: np.array([getattr(p, k) for p in job.progress]) for k in CURVES}
        epochs = np.array([p.epochs_done for p in job.progress])
        st.plotly_chart(training_figure(epochs, curves, job.cfg.epochs, presenter()), key="train_curves", **CHART)
    if job.status == "running":
        st.button("Stop", key="train_stop", on_click=stop_training, icon=":material/stop:")
    if job.status == "failed":
        st.error(job.message)
    if job.finished and job.model is not None and job.offered is None:
        job.model.card = trained_card(job)
        job.model.vocab = get_model(DEFAULT_MODEL).vocab
        job.offered = add_session_model(job.model, job.model.card["label"])
        st.rerun()  # the whole app: the sidebar's picker now lists the new model
    if job.offered:
        note = f" ({job.message})" if job.message else ""
        st.success(f"Trained{note}. The sidebar's model picker now offers “{job.offered}” in this tab.")
