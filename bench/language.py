"""How fast the language models answer on the Text-completion page, against the sentiment trace of the same words.

    python -m bench.language [--repeats 7] [--words 30]

Prints, per language model (1 torch thread, as the server computes): the top 10 after each word of a 30-word
beginning (one forward pass, the softmax over 10,001 entries at every step) and a 30-word completion (temperature
1, every word may be drawn, the sentence not allowed to end early), each as a median [min-max] and as a ratio to
``trace()`` of rnn-sst2 over the same 30 words, timed interleaved in the same process. Targets: under 50 ms and
under 300 ms. The bench only prints numbers; no test times anything.
"""

from __future__ import annotations

import argparse

import torch

from rnn_core import load_model, load_vocab, trace
from rnn_core.explain.completion import next_words
from rnn_core.lesson import LM_MODELS
from rnn_core.model.language import load_language_model, sampling_probs

from .timing import compare, load_average, ms

TEXT = (
    "the film opens with a long , quiet shot of a family at the dinner table , and for a while nothing happens : "
    "the father talks about the weather and the"
)  # 30 tokens


@torch.no_grad()
def complete_words(model, ids: list[int], words: int, seed: int = 0) -> list[int]:
    """What the page's completion does (sample_ids), but always drawing ``words`` words: the end mark is not allowed."""
    generator = torch.Generator().manual_seed(seed)
    hidden, state = model.run(torch.tensor([[model.eos_id, *ids]]), model.start_state(1))
    out = []
    for _ in range(words):
        probs = sampling_probs(model.logits_of(hidden[:, -1]), 1.0, 0, banned=(0, model.eos_id))  # (1, V)
        out.append(int(torch.multinomial(probs, 1, generator=generator)))
        hidden, state = model.run(torch.tensor([[out[-1]]]), state)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--words", type=int, default=30)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    vocab = load_vocab()
    sentiment = load_model("rnn-sst2")
    words = TEXT.split()[: args.words]
    text = " ".join(words)
    rows, load = {}, load_average()
    for label, name in LM_MODELS.items():
        model = load_language_model(name, vocab)
        ids = model.vocab.encode(words)
        fns = {
            "trace": lambda: trace(sentiment, text),
            "top10": lambda m=model: next_words(m, text),
            "complete": lambda m=model, i=ids: complete_words(m, i, args.words),
        }
        rows[name] = compare(fns, "trace", args.repeats, 0.05)
        r = rows[name]
        print(f"{label} ({name}), {len(words)} words, 1 thread:")
        print(f"  trace of rnn-sst2 (baseline): {ms(r['trace']['seconds'])}")
        print(f"  top 10 after each word:       {ms(r['top10']['seconds'])}  ({r['top10']['ratio']['median']:.2f}x the trace)")
        print(
            f"  {args.words}-word completion:         {ms(r['complete']['seconds'])}  ({r['complete']['ratio']['median']:.2f}x the trace)"
        )
    print(f"load average before / after: {load} / {load_average()}")


if __name__ == "__main__":
    main()
