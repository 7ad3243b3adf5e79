"""Train your own: the memory task, a seconds-long live training, the queue, clamped inputs, the session's model."""

from __future__ import annotations

import math
import time

import pytest
import torch

from rnn_core import load_model
from rnn_core.model.live import LIMITS, LiveConfig, Progress, TrainingDiverged, clamped, measure, train_live
from rnn_core.model.memory_task import TaskData, TaskWords, memory_task, padded, task_words
from tests.conftest import open_app
from ui.training import TrainingQueue

WORDS = TaskWords(negative=(10, 11, 12), positive=(20, 21, 22), neutral=tuple(range(30, 60)))


def test_memory_task_is_decided_by_its_first_word_and_seeded():
    data = memory_task(WORDS, fillers=7, n=200, seed=3)
    assert data.ids.shape == (200, 8) and data.fillers == 7
    first = data.ids[:, 0]
    assert torch.equal(data.labels == 1, torch.isin(first, torch.tensor(WORDS.positive)))
    assert torch.isin(first, torch.tensor(WORDS.positive + WORDS.negative)).all()
    assert torch.isin(data.ids[:, 1:], torch.tensor(WORDS.neutral)).all()
    assert 60 < int(data.labels.sum()) < 140  # both labels, about half each
    again = memory_task(WORDS, fillers=7, n=200, seed=3)
    assert torch.equal(again.ids, data.ids) and not torch.equal(memory_task(WORDS, 7, 200, seed=4).ids, data.ids)


def test_task_words_follow_the_sentiment_model():
    model = load_model("rnn-sst2")
    words = task_words(model)
    with torch.no_grad():
        p = {i: float(model.probs(torch.tensor([[i]]))[0, -1, 0]) for i in words.positive + words.negative + words.neutral[:50]}
    assert all(p[i] > 0.85 for i in words.positive) and all(p[i] < 0.15 for i in words.negative)
    assert all(abs(p[i] - 0.5) <= 0.08 for i in words.neutral[:50])


def test_padded_steps_leave_the_state_alone():
    """A left-padded sequence gets the same answer as the sequence alone."""
    model = load_model("tiny-sst2")
    data = padded([[5, 6, 7], [8]], [1, 0])
    loss, acc, first, last = measure(model, data)
    alone = measure(model, TaskData(torch.tensor([[8]]), torch.tensor([0])))
    both = measure(model, TaskData(torch.tensor([[5, 6, 7]]), torch.tensor([1])))
    assert loss == pytest.approx((alone[0] + both[0]) / 2, abs=1e-6)
    assert data.first_positions.tolist() == [0, 2]


def test_gradient_at_first_and_last_word_matches_autograd():
    model = load_model("rnn-sst2")
    data = memory_task(WORDS, fillers=4, n=8, seed=0)
    _, _, first, last = measure(model, data)
    grads = []
    for row in range(8):
        x = model.input_columns(data.ids[row : row + 1]).detach().requires_grad_(True)  # (1, T, H)
        state = model.initial_state(1)
        for t in range(x.shape[1]):
            state = model.step(x[:, t], state)
        logit = (state[0] @ model.W_hy.t() + model.b_y)[0, 0]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, data.labels[row].float())
        (g,) = torch.autograd.grad(loss, x)
        grads.append((float(g[0, 0].norm()), float(g[0, -1].norm())))
    assert first == pytest.approx(sum(g[0] for g in grads) / 8, rel=1e-5)
    assert last == pytest.approx(sum(g[1] for g in grads) / 8, rel=1e-5)


def test_a_seconds_long_training_learns_a_short_memory_task():
    train, heldout = memory_task(WORDS, 2, 400, seed=1), memory_task(WORDS, 2, 100, seed=2)
    events = list(train_live(LiveConfig(cell="gru", hidden_size=8, lr=1e-2, epochs=4), train, heldout, vocab_size=100))
    reports, model = [e for e in events if isinstance(e, Progress)], events[-1]
    assert reports and not isinstance(model, Progress) and not model.training
    assert reports[-1].epoch == 4 and reports[-1].step == reports[-1].steps and reports[-1].epochs_done == pytest.approx(4)
    assert reports[-1].heldout_accuracy > 0.9 and reports[-1].heldout_loss < reports[0].heldout_loss


def test_a_diverging_training_stops_with_a_message(monkeypatch):
    """A loss that stops being a number (here made to, on the third batch) ends the run: no model is given."""
    import rnn_core.model.live as live

    real, calls = live._batch_loss, []

    def failing(*args):
        loss, logits = real(*args)
        calls.append(1)
        return (loss * math.nan if len(calls) == 3 else loss), logits

    monkeypatch.setattr(live, "_batch_loss", failing)
    train = memory_task(WORDS, 2, 200, seed=1)
    events = []
    with pytest.raises(TrainingDiverged, match="smaller learning rate"):
        events.extend(train_live(LiveConfig(epochs=2, batch_size=32), train, train, vocab_size=100))
    assert not any(not isinstance(e, Progress) for e in events)


@pytest.mark.parametrize(
    "changes, fixed",
    [
        ({"hidden_size": 0}, {"hidden_size": 1}),
        ({"hidden_size": 10_000}, {"hidden_size": 64}),
        ({"lr": 5.0}, {"lr": 0.1}),
        ({"lr": math.nan}, {"lr": 1e-4}),
        ({"epochs": -3}, {"epochs": 1}),
        ({"fillers": 1_000}, {"fillers": 100}),
        ({"cell": "transformer"}, {"cell": "rnn"}),
        ({"task": "chess"}, {"task": "memory"}),
    ],
)
def test_out_of_range_settings_are_clamped_and_said(changes, fixed):
    cfg, notes = clamped(LiveConfig(**changes))
    assert all(getattr(cfg, k) == v for k, v in fixed.items()) and len(notes) == 1
    assert clamped(LiveConfig())[1] == [] and set(LIMITS) <= set(LiveConfig.__dataclass_fields__)


def test_queue_runs_one_training_at_a_time_and_says_who_is_ahead():
    queue = TrainingQueue()
    train, heldout = memory_task(WORDS, 2, 300, seed=1), memory_task(WORDS, 2, 60, seed=2)
    cfg = LiveConfig(hidden_size=4, epochs=3)
    long_run = LiveConfig(hidden_size=16, epochs=50)  # cannot finish before the check below, on any machine
    jobs = [queue.submit(long_run, memory_task(WORDS, 50, 2_000, seed=1), heldout, 100)]
    jobs += [queue.submit(cfg, train, heldout, 100) for _ in range(2)]
    time.sleep(0.05)
    assert [queue.ahead_of(j) for j in jobs][1:] == [1, 2]
    jobs[0].stop.set()  # then the others run, one at a time
    seen_running = set()
    deadline = time.time() + 120
    while not all(j.finished for j in jobs) and time.time() < deadline:
        running = [j.id for j in jobs if j.status == "running"]
        assert len(running) <= 1
        seen_running.update(running)
        for j in jobs:
            j.seen()
        time.sleep(0.01)
    assert jobs[0].status == "stopped" and all(j.status == "done" and j.model is not None for j in jobs[1:]) and seen_running


def test_stopped_and_abandoned_trainings():
    queue = TrainingQueue(abandoned_after=0.5)
    train = memory_task(WORDS, 50, 2_000, seed=1)
    cfg = LiveConfig(hidden_size=16, epochs=50)
    first = queue.submit(cfg, train, train[torch.arange(50)], 100)
    second = queue.submit(cfg, train, train[torch.arange(50)], 100)
    while not first.progress:
        first.seen()
        time.sleep(0.05)
    first.stop.set()
    deadline = time.time() + 60
    while not (first.finished and second.finished) and time.time() < deadline:
        first.seen()  # the first tab is open; the second never looks again (its tab closed)
        time.sleep(0.05)
    assert first.status == "stopped" and first.model is not None
    assert second.status == "abandoned" and second.model is None


def test_the_trained_model_is_offered_in_this_tab_only():
    at = open_app("pages/train.py", {"train_epochs": "1", "train_fillers": "2", "train_hidden": "4"})
    at.button(key="train_start").click().run()
    deadline = time.time() + 60
    while at.session_state["train_job"].offered is None and time.time() < deadline:
        time.sleep(0.3)
        at.run()
    assert not at.exception
    job = at.session_state["train_job"]
    name = label = job.offered  # the picker shows a trained model by its name: its label and a tag
    assert label in at.selectbox(key="model").options and label.startswith("yours: RNN, 4 units")
    at.session_state["model"] = name  # what choosing it in the picker does
    at.run()
    at.switch_page("pages/word_by_word.py").run()
    assert not at.exception and at.get_by_key("word_by_word_chart")
    at.switch_page("pages/one_step.py").run()
    at.toggle(key="one_step_yours").set_value(True).run()
    assert not at.exception and "yours" in at.caption[1].value + " ".join(c.value for c in at.caption)
    other = open_app()
    assert label not in other.selectbox(key="model").options


def test_url_values_out_of_range_give_a_message_not_an_error():
    at = open_app("pages/train.py", {"train_hidden": "9999", "train_lr": "banana", "train_cell": "<b>x</b>"})
    assert not at.exception


def test_shipped_memory_reference_is_complete_and_its_crossovers_follow_its_numbers():
    import json

    from rnn_core.model.memory_reference import FILLERS, OUT, SEEDS, crossover

    data = json.loads(OUT.read_text(encoding="utf-8"))
    assert data["fillers"] == list(FILLERS) and data["seeds"] == list(SEEDS) and set(data["cells"]) == {"rnn", "lstm", "gru"}
    for cell, result in data["cells"].items():
        runs = torch.tensor(result["accuracy"])  # (seeds, L)
        assert runs.shape == (len(SEEDS), len(FILLERS))
        assert result["median"] == pytest.approx(runs.median(dim=0).values.tolist())
        assert result["crossover"] == crossover(data["fillers"], result["median"]), cell
    assert data["cells"]["rnn"]["crossover"] is not None  # the plain RNN does fall to chance within L = 100


def test_the_reference_command_regenerates_its_numbers(tmp_path):
    from rnn_core.model.memory_reference import main

    out = tmp_path / "memory.json"
    main(["--out", str(out), "--fillers", "2", "--seeds", "0", "--cells", "gru", "--seconds", "120"])
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fillers"] == [2] and all(v["median"][0] > 0.9 for v in data["cells"].values())
