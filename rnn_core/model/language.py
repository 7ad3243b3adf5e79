"""Language models: the same recurrent cells, reading a sentence and predicting its next word at every step.

The dictionary is the sentiment models' 10,000 words plus one token, ``<eos>``: the end of a sentence, also read
as the first input (the start of a sentence). So a sentence w_1..w_n is read as [<eos>, w_1, ..., w_n] and the
targets are [w_1, ..., w_n, <eos>]; the output after each input is a softmax over all 10,001 entries.

One word matrix W_e (V, E), E smaller than H, serves twice (tied weights): its row ``index`` is the word's input
vector, and the logits are logits_t = W_e (W_p h_t) + b_y, W_p (E, H) projecting the hidden state into the words'
space (so W_e W_p plays the sentiment models' W_hy). The cell's input column is u_t = W_x W_e[index] (W_x:
(G*H, E), much smaller than a (G*H, V) matrix), then the cell runs exactly the sentiment models' step
(``SentimentRNN.step``: the same function, shared). A conditional model (``labels`` > 0) starts from a hidden
state made from its one input, the label: state_0 = W_label[:, label], h_0 = tanh of its first H values (lstm:
c_0 = the other H). With ``label_every_step`` the label is also read beside every word: its vector W_lx[:, label]
(E) is added to each word vector, and its output bias b_label[:, label] (V) to each step's logits, so the mood is
not forgotten after a few words; ``label_strength`` multiplies that bias (1 as trained; lm_mood sets it after
training, from what the sentiment models make of the sentences the model writes). Files are saved and loaded with the checkpoints' safety rules (tensors only, weights_only).
"""

from __future__ import annotations

import copy
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch import nn

from ..text.vocab import Vocab
from .checkpoint import ASSETS, ModelFileError, read_card, read_payload, resolve_model_path, vocab_digest
from .network import CELLS, ModelConfig, SentimentRNN

EOS = "<eos>"
LM_DIR = ASSETS / "lm"  # kept apart from assets/models, whose every .pt the sentiment picker loads
LM_ENV = "RNN_LENS_LM"  # another folder for language models (tests)
LM_FORMAT = "rnn-lens-lm/1"
LABELS = ("negative", "positive")  # the conditional model's inputs, in the order of W_label's columns
MAX_STRENGTH = 10.0  # the most a model's label bias may be multiplied by (a damaged card, not a design)
MAX_SENTENCE = 60  # the most words a model writes from nothing (the treebank's longest sentence has 56 tokens)
WRITE_TEMPERATURE = 0.7  # a sentence written from a label: at 1 a model this small writes word salad, at 0.7 sentences
WRITE_UNKNOWN = False  # ...and without <unk>, a word nobody can read (the tenth most frequent token in the treebank)


@dataclass(frozen=True)
class LanguageConfig:
    cell: str = "lstm"  # the gated cell keeps context longest; "rnn" is the article's plain network
    hidden_size: int = 256  # the memory: enough units to carry a sentence's context
    embed_size: int = 128  # word vectors (tied in and out): half of H halves the 10,001-way output's cost
    vocab_size: int = 10_001  # the shared dictionary and <eos>
    labels: int = 0  # > 0: a conditional model whose first hidden state comes from one of this many labels
    label_every_step: bool = False  # a conditional model that also reads its label beside every word (W_lx, b_label)
    label_strength: float = 1.0  # how many times b_label counts in the scores (1: as trained; set after training)

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose one of {CELLS}")
        if self.hidden_size < 1 or self.embed_size < 2 or self.vocab_size < 3 or self.labels < 0:
            raise ValueError("hidden_size must be >= 1, embed_size >= 2, vocab_size >= 3 and labels >= 0")
        strength = self.label_strength
        if isinstance(strength, bool) or not isinstance(strength, int | float) or not 0 <= strength <= MAX_STRENGTH:
            raise ValueError(f"label_strength must be a number from 0 to {MAX_STRENGTH}, not {strength!r}")

    def to_dict(self) -> dict:
        return asdict(self)


def lm_vocab(vocab: Vocab) -> Vocab:
    """The dictionary with <eos> appended (index len(vocab)); every other index stays as it is."""
    return vocab if vocab.itos[-1] == EOS else Vocab(itos=(*vocab.itos, EOS))


class LanguageRNN(nn.Module):
    """A next-word model with the sentiment models' cell (W_x, W_hh, b_h), a tied word matrix W_e and W_p, b_y."""

    step = SentimentRNN.step  # the cell equations, shared: same code, same numbers
    initial_state = SentimentRNN.initial_state  # zeros: (h,) or (h, c), each (B, H)

    def __init__(self, config: LanguageConfig) -> None:
        super().__init__()
        self.config = config
        h, e = config.hidden_size, config.embed_size
        cell = SentimentRNN(ModelConfig(config.cell, "sigmoid", h, e))  # the cell's weights, read from E-sized word vectors
        self.W_x, self.W_hh, self.b_h = cell.W_x, cell.W_hh, cell.b_h  # (G*H, E), (G*H, H), (G*H,): initialised alike
        if config.cell == "gru":
            self.b_hn = cell.b_hn
        self.W_e = nn.Parameter(torch.empty(config.vocab_size, e).uniform_(-0.1, 0.1))  # the tied word matrix
        self.W_p = nn.Parameter(torch.empty(e, h).uniform_(-(h**-0.5), h**-0.5))
        self.b_y = nn.Parameter(torch.zeros(config.vocab_size))
        if config.labels:
            size = 2 * h if config.cell == "lstm" else h
            self.W_label = nn.Parameter(torch.empty(size, config.labels).uniform_(-0.5, 0.5))
            if config.label_every_step:  # zeros: at first they add nothing to the words' vectors and scores
                self.W_lx = nn.Parameter(torch.zeros(e, config.labels))
                self.b_label = nn.Parameter(torch.zeros(config.vocab_size, config.labels))
        self.dropout = nn.Dropout(0.0)  # set by training (on word vectors and on h_t); identity in eval mode
        self.weight_drop = 0.0  # set by training: share of W_hh's weights dropped per batch (fused path, training only)
        self.out_matrix: torch.Tensor | None = None  # W_e^T, contiguous, once frozen (freeze)

    @property
    def eos_id(self) -> int:
        return self.config.vocab_size - 1

    @property
    def reads_label_each_step(self) -> bool:
        return bool(self.config.labels and self.config.label_every_step)

    def word_vectors(self, ids: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Row ids[b, t] of the word matrix, plus W_lx[:, labels[b]] in a model that reads its label at every step.
        (B, T) -> (B, T, E)."""
        vectors = nn.functional.embedding(ids, self.W_e)  # (B, T, E)
        if self.reads_label_each_step:
            vectors = vectors + self.W_lx.t()[self._labels(labels)][:, None, :]  # (B, 1, E) on every step
        return vectors

    def input_columns(self, ids: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """u_t = W_x (W_e[ids[b, t]] (+ W_lx[:, label])), what the cell takes at each step. (B, T) -> (B, T, G*H)."""
        return self.dropout(self.word_vectors(ids, labels)) @ self.W_x.t()  # (B, T, G*H)

    def _labels(self, labels: torch.Tensor | None) -> torch.Tensor:
        if labels is None:
            raise ValueError("a conditional language model needs a label for each sequence")
        return labels

    def start_state(self, batch: int, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, ...]:
        """The state before the first input: zeros, or made from each sequence's label (B,) in a conditional model."""
        if not self.config.labels:
            return self.initial_state(batch)
        column = self.W_label.t()[self._labels(labels)]  # (B, S)
        h = self.config.hidden_size
        return (torch.tanh(column[:, :h]), column[:, h:]) if self.config.cell == "lstm" else (torch.tanh(column),)

    def run(
        self, ids: torch.Tensor, state: tuple[torch.Tensor, ...], labels: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Step by step from ``state``: hidden states (B, T, H) and the state after the last input."""
        x_cols = self.input_columns(ids, labels)  # (B, T, G*H)
        hs = []
        for t in range(ids.shape[1]):
            state = self.step(x_cols[:, t], state)
            hs.append(state[0])
        return torch.stack(hs, dim=1), state  # (B, T, H)

    def logits_of(self, hidden: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Scores of every entry of the dictionary: W_e (W_p h) + b_y (+ label_strength * b_label[:, label] in a model
        that reads its label at every step). (B, H) or (B, T, H) -> (B, V) or (B, T, V)."""
        words = self.dropout(hidden) @ self.W_p.t()  # (..., E)
        logits = words @ (self.W_e.t() if self.out_matrix is None else self.out_matrix) + self.b_y  # (..., V)
        if self.reads_label_each_step:
            bias = self.b_label.t()[self._labels(labels)] * self.config.label_strength  # (B, V)
            logits = logits + (bias[:, None, :] if hidden.dim() == 3 else bias)
        return logits

    def freeze(self) -> LanguageRNN:
        """Read-only and in eval mode, with W_e^T kept as a contiguous copy: one step's 10,001 logits then read the
        matrix row by row, several times faster than through the transposed view. Returns the model."""
        self.eval().requires_grad_(False)
        self.out_matrix = self.W_e.detach().t().contiguous()  # (E, V)
        return self

    def forward(self, ids: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Next-word logits after every input. ids: (B, T) -> (B, T, V)."""
        hidden, _ = self.run(ids, self.start_state(ids.shape[0], labels), labels)
        return self.logits_of(hidden, labels)


def at_strength(model: LanguageRNN, strength: float) -> LanguageRNN:
    """The model with its label's bias counted ``strength`` times: a copy that shares every weight, so a model many
    readers share is left as it is (the model itself when the strength is already its own). ValueError if the
    strength is not a number from 0 to MAX_STRENGTH."""
    if strength == model.config.label_strength:
        return model
    config = replace(model.config, label_strength=strength)  # checked by LanguageConfig
    twin = copy.copy(model)  # a new object whose attributes are the model's: the same parameter tensors
    twin.config = config
    return twin


def fused_hidden(model: LanguageRNN, ids: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """The hidden states of model(ids, labels), computed by torch's C++ rnn_tanh / lstm / gru on the model's own
    weights (training speed). Shape (B, T) -> (B, T, H); a test checks the logits equal the step-by-step pass to 1e-5.
    """
    cell, h = model.config.cell, model.config.hidden_size
    x = model.dropout(model.word_vectors(ids, labels))  # (B, T, E)
    start = [s.unsqueeze(0).contiguous() for s in model.start_state(ids.shape[0], labels)]  # each (1, B, H)
    no_bias = torch.zeros_like(model.b_h)
    hh_bias = torch.cat([no_bias[: 2 * h], model.b_hn]) if cell == "gru" else no_bias  # PyTorch's b_hn sits in b_hh
    w_hh = nn.functional.dropout(model.W_hh, model.weight_drop, model.training)  # DropConnect on W_hh: one mask a batch
    args = ([model.W_x, w_hh, model.b_h, hh_bias], True, 1, 0.0, model.training, False, True)
    if cell == "lstm":
        return torch.lstm(x, tuple(start), *args)[0]  # (B, T, H)
    return (torch.rnn_tanh if cell == "rnn" else torch.gru)(x, start[0], *args)[0]  # (B, T, H)


def lm_dir() -> Path:
    """The folder language models are read from: $RNN_LENS_LM if set (read at each call), else assets/lm."""
    return Path(os.environ.get(LM_ENV) or LM_DIR)


def resolve_lm_path(name_or_path: str | Path) -> Path:
    """A bare name ("lm-lstm") means <lm folder>/<name>.pt; anything else is a path."""
    return resolve_model_path(name_or_path, lm_dir())


def is_language_model(name_or_path: str | Path) -> bool:
    """Whether a name or path means a language model: named lm-..., or a file in the language models' folder."""
    path = resolve_lm_path(name_or_path)
    return path.stem.startswith("lm-") or (path.is_file() and path.parent.resolve() == lm_dir().resolve())


def save_language_model(model: LanguageRNN, path: str | Path, vocab: Vocab, dtype: torch.dtype = torch.float16) -> None:
    """Weights (float16 by default: half the file; loading restores float32), config and the dictionary's digest."""
    state = {k: v.detach().to(dtype) if v.is_floating_point() else v.detach().clone() for k, v in model.state_dict().items()}
    payload = {"format": LM_FORMAT, "config": model.config.to_dict(), "vocab_sha256": vocab_digest(vocab), "state_dict": state}
    torch.save(payload, path)


def load_language_model(name_or_path: str | Path, vocab: Vocab) -> LanguageRNN:
    """A language model by name (from assets/lm) or path, in eval mode, with its dictionary (``vocab`` + <eos>) and card.

    The file is read with weights_only=True; a missing, damaged or foreign file raises ModelFileError naming it.
    """
    path = resolve_lm_path(name_or_path)
    payload = read_payload(path, LM_FORMAT)
    words = lm_vocab(vocab)
    try:
        config = LanguageConfig(**payload["config"])
        model = LanguageRNN(config)
        state = {k: v.float() if v.is_floating_point() else v for k, v in payload["state_dict"].items()}  # float16 on disk
        model.load_state_dict(state, strict=True)
    except Exception as err:
        raise ModelFileError(f"{path}: weights do not fit the language model it describes ({err})") from None
    if payload.get("vocab_sha256") != vocab_digest(words) or config.vocab_size != len(words):
        raise ModelFileError(f"{path}: trained with a different dictionary")
    model.vocab, model.name = words, path.stem
    model.card = read_card(path.with_suffix(".json")) if path.with_suffix(".json").is_file() else {}
    return model.freeze()


def list_language_models(folder: str | Path | None = None) -> dict[str, dict]:
    """Every language model in a folder (default: lm_dir()) by name, with its card (possibly empty)."""
    folder = Path(folder) if folder is not None else lm_dir()
    return {p.stem: read_card(p.with_suffix(".json")) for p in sorted(folder.glob("*.pt"))}


MIN_TEMPERATURE, MAX_TEMPERATURE = 0.1, 3.0  # below: (almost) always the top word; above: (almost) uniform noise


def clamp_temperature(temperature: float) -> float:
    """The temperature actually used: clamped to [0.1, 3]; not a number (NaN) reads as 1."""
    value = float(temperature)
    return 1.0 if value != value else min(max(value, MIN_TEMPERATURE), MAX_TEMPERATURE)


def sampling_probs(logits: torch.Tensor, temperature: float, top_k: int, banned: tuple[int, ...] = (0,)) -> torch.Tensor:
    """The distribution a word is drawn from: softmax(logits / T) over the ``top_k`` largest (0: all), never ``banned``.

    Shape (..., V) -> (..., V). Temperature is clamped (clamp_temperature).
    """
    scaled = logits / clamp_temperature(temperature)  # (..., V)
    scaled[..., list(banned)] = -torch.inf
    if 0 < top_k < scaled.shape[-1]:
        kth = scaled.topk(top_k, dim=-1).values[..., -1:]  # (..., 1)
        scaled = scaled.masked_fill(scaled < kth, -torch.inf)
    return torch.softmax(scaled, dim=-1)


@torch.no_grad()
def sample_ids(
    model: LanguageRNN,
    prefix: list[int],
    max_words: int,
    temperature: float = 1.0,
    top_k: int = 0,
    seed: int = 0,
    label: int | None = None,
    unknown: bool = True,
) -> list[int]:
    """Words drawn one at a time after ``prefix`` (dictionary indices, without the start mark) until <eos> or
    ``max_words``; the same seed gives the same words. Returned without the prefix, <eos> included if drawn.
    ``unknown`` False: <unk> is never drawn (a sentence written for people to read)."""
    banned = (0,) if unknown else (0, model.vocab.unk_id)  # <pad> never
    generator = torch.Generator().manual_seed(int(seed))
    labels = None if label is None else torch.tensor([label])
    hidden, state = model.run(torch.tensor([[model.eos_id, *prefix]]), model.start_state(1, labels), labels)
    logits = model.logits_of(hidden[:, -1], labels)  # (1, V)
    out: list[int] = []
    while len(out) < max_words:
        word = int(torch.multinomial(sampling_probs(logits, temperature, top_k, banned), 1, generator=generator))
        out.append(word)
        if word == model.eos_id:
            break
        hidden, state = model.run(torch.tensor([[word]]), state, labels)
        logits = model.logits_of(hidden[:, -1], labels)  # (1, V)
    return out
