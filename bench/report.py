"""The benchmark's JSON as readable tables: medians with [min-max], ratios against each section's baseline."""

from __future__ import annotations

from rnn_core.model.cards import CELL_NAMES

from .timing import ms, table, times_x


def _broken(name: str, section: dict) -> str | None:
    if "error" in section:
        return f"\n== {name}: FAILED {section['error']}"
    if "skipped" in section:
        return f"\n== {name}: skipped ({section['skipped']})"
    return None


def header(report: dict) -> str:
    meta, m = report["meta"], report["meta"]["machine"]
    return "\n".join(
        [
            f"RNN Lens benchmark ({meta['mode']}, {meta['repeats']} repeats; median [min-max]) {meta['started']}",
            f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}",
            f"python {m['python']}, torch {m['torch']}, streamlit {m['streamlit']}, plotly {m['plotly']}, "
            f"numpy {m['numpy']}, {m['chromium']}",
            f"torch threads set here: {meta['threads']['app']} for app computations, {meta['threads']['training']} for training",
            f"load average (1/5/15 min) before {meta['load_before']}, after {meta.get('load_after')}; "
            f"took {meta.get('seconds')} s",
        ]
    )


def trace_table(sec: dict) -> str:
    rows = [
        [CELL_NAMES[r["cell"]], r["words"], ms(r["trace"]["seconds"]), ms(r["forward"]["seconds"]), ms(r["torch_nn"]["seconds"]),
         ms(r["torch_nn_one_hot"]["seconds"]), times_x(r["trace"]["ratio"]), times_x(r["torch_nn"]["ratio"])]
        for r in sec["rows"]
    ]  # fmt: skip
    return table(
        "Trace vs fused forward passes (1 thread; every call starts from the text)",
        ["cell", "words", "trace", "forward", "torch.nn", "torch.nn one-hot", "trace/forward", "torch.nn/forward"],
        rows,
        "forward = the model's batched fast path (B=1); torch.nn = nn.RNN/LSTM/GRU with the same weights, fed the W_x "
        "columns; one-hot = the same fed 10,000-wide one-hot vectors (shown, not a baseline). Target: trace <= 2x forward at 50 words.",
    )


def gradient_table(sec: dict) -> str:
    rows = []
    for r in sec["rows"]:
        for what, label in (("state_matrix", "state matrix"), ("influence", "influence")):
            res = r[what]
            naive = res.get("naive")
            rows.append([CELL_NAMES[r["cell"]], r["words"], label, ms(res["fast"]["seconds"]),
                         ms(naive["seconds"]) if naive else "not run", times_x(naive["ratio"]) if naive else "-"])  # fmt: skip
    return table(
        "Vanishing-gradient computations vs naive autograd (1 thread)",
        ["cell", "words", "computation", "fast (app)", "naive", "speed-up"],
        rows,
        "state matrix: fast = vmapped per-step Jacobians + one backward sweep; naive = one torch.autograd.grad per (s, t) pair. "
        "influence: fast = one backward pass; naive = one per word. Target: >= 10x at 100 words.",
    )


def page_table(sec: dict) -> str:
    rows = [
        [r["page"], r["review"], r["words"], ms(r["new_review"]["seconds"]), ms(r["rerun"]["seconds"]),
         times_x(r["new_review"]["ratio"]), times_x(r["rerun"]["ratio"])]
        for r in sec["rows"]
    ]  # fmt: skip
    out = table(
        "Pages, server-side run through AppTest after warm-up (1 thread)",
        ["page", "review", "words", "new review", "rerun (cached)", "new / home", "rerun / home"],
        rows,
        f"baseline: a rerun of the home page, {ms(sec['home_rerun'])}. Target: Word by word < 300 ms for a new 50-word review.",
    )
    fig = [
        [r["words"], ms(r["trace"]["seconds"]), ms(r["figure"]["seconds"]), ms(r["figure_json"]["seconds"]),
         times_x(r["figure"]["ratio"]), f"{r['json_mb']:.2f}"]
        for r in sec["figure"]
    ]  # fmt: skip
    return out + table(
        "Where Word by word's time goes: its animated figure vs the trace (rnn-sst2)",
        ["words", "trace", "build figure", "figure to JSON", "build / trace", "JSON MB"],
        fig,
    )


def training_table(sec: dict) -> str:
    rows = [
        [CELL_NAMES[r["cell"]], r["batch_size"], r["phrases"], f"{r['phrases_per_second']['median']:.0f} "
         f"[{r['phrases_per_second']['min']:.0f}-{r['phrases_per_second']['max']:.0f}]",
         f"{r['torch_nn_phrases_per_second']['median']:.0f}", times_x(r["ratio_to_torch_nn"])]
        for r in sec["rows"]
    ]  # fmt: skip
    out = table(
        f"Training throughput, phrases/s ({sec['threads']} threads; {sec['source']})",
        ["cell", "batch", "phrases", "ours", "torch.nn twin", "ours / torch.nn"],
        rows,
        "One pass of rnn_core.model.train.train_epoch (Adam, clipping, the shipped model's batch size); the twin is "
        "nn.RNN/LSTM/GRU trained the same way. Above 1x: ours is faster.",
    )
    acc = [
        [t["model"], f"{t['dev_accuracy']:.4f}", f"{t['best_epoch']} of {t['epochs_run']}", f"{t['seconds_from_card']:.0f} s",
         f"{t['card_torch_threads']}", f"{t['seconds_estimated_now']:.0f} s", f"{t['ratio_estimate_to_card']:.2f}x"]
        for t in sec["time_to_accuracy"]
    ]  # fmt: skip
    return out + table(
        "Time to reach the shipped model's dev accuracy",
        ["model", "dev acc", "best epoch", "from card", "card threads", "estimate now", "estimate / card"],
        acc,
        "from card = train_seconds * best_epoch / epochs_run (the card keeps the total, not per-epoch times; each epoch "
        "is one pass plus a dev evaluation). estimate now = best_epoch passes over the card's train_phrases at the "
        "throughput above, without dev evaluations: a derived figure, no full training was run.",
    )


def cold_table(sec: dict) -> str:
    a, b, r = sec["app"], sec["baseline"], sec["ratio"]
    mb = lambda s: f"{s['median']:.0f} MB [{s['min']:.0f}-{s['max']:.0f}]"  # noqa: E731
    rows = [
        ["process start -> health ok", ms(a["health"]), ms(b["health"]), times_x(r["health"])],
        ["process start -> first page shown", ms(a["home"]), ms(b["home"]), times_x(r["home"])],
        ["process start -> first chart in Chromium", ms(a["home_chart"]), ms(b["home_chart"]), times_x(r["home_chart"])],
        ["process start -> Word by word done (after a click)", ms(a["first_chart"]), "-", "-"],
        ["server RSS after health ok", mb(a["idle_rss_mb"]), mb(b["idle_rss_mb"]), "-"],
        ["server peak RSS, one session", mb(a["peak_rss_mb"]), mb(b["peak_rss_mb"]), times_x(r["peak_rss_mb"])],
    ]
    return table(
        "Cold start and memory (fresh server and browser context each repeat)",
        ["", "RNN Lens", "one-chart app", "ratio"],
        rows,
        f"RNN Lens: open /, wait for the home page's chart, click Word by word, wait until it is done; session then visits: {', '.join(sec['pages_visited'])}. "
        f"Baseline: a Streamlit app with one Plotly chart on /. Browser launch (once, not counted): {sec['browser_launch_seconds']:.2f} s.",
    )


def target_table(targets: list[dict]) -> str:
    rows = [[t["what"], t["target"], "-" if t["median"] is None else f"{t['median']:.3g}",
             {True: "yes", False: "NO", None: "-"}[t["met"]]] for t in targets]  # fmt: skip
    return table("The issue's targets", ["figure", "target", "median", "met"], rows)


RENDERERS = {
    "trace": trace_table,
    "gradients": gradient_table,
    "pages": page_table,
    "training": training_table,
    "cold_start": cold_table,
}


def render(report: dict) -> str:
    parts = [header(report)]
    for name, fn in RENDERERS.items():
        if name in report:
            parts.append(_broken(name, report[name]) or fn(report[name]))
    parts.append(target_table(report.get("targets", [])))
    return "\n".join(parts)
