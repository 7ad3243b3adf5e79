"""A handout: one self-contained HTML file with the pages' figures, equations and numbers for one review.

Plotly's JavaScript is written into the file once, so it opens offline and every chart stays interactive. Every
piece of user text (the review, its words) is escaped; figures carry it only inside JSON, which Plotly escapes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from ..explain.one_neuron import UnitSteps
from ..explain.step_detail import OutputRow
from .one_neuron import DIGITS
from .style import CLASS_COLORS, FONT, class_label

CSS = f"""
body {{font-family: {FONT}; max-width: 1180px; margin: 24px auto; padding: 0 16px; color: #222; line-height: 1.45;}}
h1 {{margin-bottom: 4px;}} h2 {{margin-top: 40px; border-bottom: 1px solid #ccc; padding-bottom: 4px;}}
.review {{white-space: pre-wrap; background: #f6f6f6; border-left: 4px solid #999; padding: 8px 12px;}}
.verdict {{font-size: 1.8rem; font-weight: 700;}} .note {{color: #555; font-size: 0.92rem;}}
table {{border-collapse: collapse; margin: 8px 0; font-size: 0.9rem;}}
td, th {{border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top;}} th {{background: #f2f2f2;}}
.eq {{font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.88rem; white-space: pre; overflow-x: auto;}}
.chart {{margin: 12px 0 28px 0;}} .chart button {{margin-right: 6px;}}
"""
# Buttons under each chart (the file's own JavaScript, so unlike the app's modebar they can offer both formats).
SAVE_SCRIPT = """
document.querySelectorAll('button[data-chart]').forEach(function (b) {
  b.addEventListener('click', function () {
    Plotly.downloadImage(b.dataset.chart, {format: b.dataset.format, filename: b.dataset.name, scale: 2});
  });
});
"""


@dataclass(frozen=True)
class Section:
    """A page of the app in the handout: a title, what it shows, and its pieces (trusted HTML from this module)."""

    title: str
    intro: str
    parts: tuple[str, ...] = field(default_factory=tuple)


def text(value: str, css: str = "note") -> str:
    """A paragraph of plain text (escaped)."""
    return f'<p class="{css}">{html.escape(value)}</p>'


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table; every cell is escaped, floats shown with 4 decimals."""

    def cell(v: object) -> str:
        return html.escape(f"{v:.4f}" if isinstance(v, float) else str(v))

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def equations(lines: Sequence[str]) -> str:
    """Equations with their numbers, one per line, in a fixed-width font (plain text: no TeX renderer offline)."""
    return '<div class="eq">' + html.escape("\n".join(lines)) + "</div>"


def verdict(label: str, what: str, probability: float) -> str:
    color = CLASS_COLORS.get(label, "#222")
    return (
        f'<p class="verdict" style="color:{color}">Verdict: {html.escape(class_label(label))} '
        f'<span style="font-weight:400;font-size:0.6em;color:#333">{html.escape(what)} = {probability:.3f}</span></p>'
    )


def chart(fig: go.Figure, chart_id: str, filename: str, caption: str = "") -> str:
    """The figure as an interactive chart (Plotly's JavaScript comes once, in the document's head), with PNG and
    SVG buttons and a caption on how to read it; an animated figure opens still, with its own Play button."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}
    div = pio.to_html(fig, config, auto_play=False, include_plotlyjs=False, full_html=False, validate=False, div_id=chart_id)
    buttons = "".join(
        f'<button data-chart="{chart_id}" data-format="{f}" data-name="{html.escape(filename)}">Save {f.upper()}</button>'
        for f in ("png", "svg")
    )
    return f'<div class="chart">{div}<div>{buttons}</div>{text(caption) if caption else ""}</div>'


def card_rows(card: Mapping[str, object]) -> list[tuple[str, str]]:
    """The model card as (field, value) rows: plain values, and each nested group's values under 'group.field'."""
    rows = []
    for key, value in card.items():
        if isinstance(value, Mapping):
            rows += [(f"{key}.{k}", _card_value(v)) for k, v in value.items()]
        else:
            rows.append((key, _card_value(value)))
    return rows


def _card_value(value: object) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_card_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _n(x: float) -> str:
    """A number in an equation, negative ones in parentheses (as on the Inside-one-step page)."""
    return f"({x:.{DIGITS}f})" if x < 0 else f"{x:.{DIGITS}f}"


def one_neuron_equations(s: UnitSteps) -> list[str]:
    """Both equations at every word with the unit's real numbers, as the Inside-one-step page writes them."""
    if s.single:
        lines = ["sum = w_i·1 + w_hh·h_(t-1) + b_h;  h_t = tanh(sum);  y_t = σ(w_hy·h_t + b_y)", ""]
    else:
        j = s.unit
        lines = [
            f"sum[{j}] = W_x[{j},i]·1 + W_hh[{j},:]·h_(t-1) + b_h[{j}];  h_t[{j}] = tanh(sum[{j}]);  y_t = σ(W_hy·h_t + b_y)",
            "",
        ]
    for t in range(s.seq_len):
        pre, h, logit, y = float(s.preact[t]), float(s.h[t]), float(s.logit[t]), float(s.y[t])
        recurrent = f"{_n(s.w_hh)}·{_n(float(s.h_prev[t]))}" if s.single else _n(float(s.recurrent[t]))
        out = f"{_n(s.w_hy)}·{_n(h)}" if s.single else _n(float(s.out_sum[t]))
        lines += [
            f"word {t + 1} “{s.tokens[t]}” (index {s.ids[t]}):",
            f"  sum = {_n(float(s.w_x[t]))}·1 + {recurrent} + {_n(s.b_h)} = {pre:.{DIGITS}f}",
            f"  h_t = tanh({pre:.{DIGITS}f}) = {h:.{DIGITS}f}",
            f"  y_t = σ({out} + {_n(s.b_y)}) = σ({logit:.{DIGITS}f}) = {y:.{DIGITS}f}",
        ]
    return lines


def output_equations(words: Sequence[str], outputs: Sequence[Sequence[OutputRow]], head: str) -> list[str]:
    """The answer after every word, y_t = f(W_hy·h_t + b_y), with the model's numbers (f: sigmoid or softmax)."""
    fn = "softmax" if head == "softmax" else "σ"
    lines = []
    for t, (word, rows) in enumerate(zip(words, outputs)):
        parts = [
            f"y_t({o.class_name}) = {fn}({_n(o.weighted)} + {_n(o.bias)}) = {fn}({o.logit:.{DIGITS}f}) → {o.probability:.{DIGITS}f}"
            for o in rows
        ]
        lines.append(f"word {t + 1} “{word}”:  " + ";  ".join(parts))
    return lines


def document(title: str, review: str, head: Sequence[str], sections: Sequence[Section]) -> str:
    """The whole handout: a title, the review, ``head`` pieces (verdict, model card), then one part per page."""
    body = [f"<h1>{html.escape(title)}</h1>", "<h3>The review</h3>", f'<div class="review">{html.escape(review)}</div>', *head]
    for s in sections:
        body += [f"<h2>{html.escape(s.title)}</h2>", text(s.intro, "intro"), *s.parts]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>\n<body>\n'
        + "\n".join(body)
        + f"\n<script>{SAVE_SCRIPT}</script>\n</body></html>\n"
    )
