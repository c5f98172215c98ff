"""RnnlmGen and BetterRnnlmGen (book 7.1): the chapter 6 language models with the book's ``generate``.

    model = RnnlmGen()
    model.load_params("runs/lstm/best.npz")
    word_ids = model.generate(word_to_id["you"], skip_ids=[word_to_id["N"]], sample_size=100)

The sampling itself, and greedy, top-k and beam-search decoding, live in ``common.generation``.
"""
import numpy

from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from common.generation import generate


class BookGenerate:
    """The book's ``generate(start_id, skip_ids=None, sample_size=100)`` for a stateful language model."""

    def generate(self, start_id, skip_ids=None, sample_size=100, rng=None):
        """``sample_size`` ids starting with ``start_id``, each drawn from the model's softmax (never one of
        ``skip_ids``); ``rng`` a NumPy Generator for repeatable draws (default: a fresh one)."""
        return generate(self, [int(start_id)], sample_size, skip_ids=list(skip_ids or ()),
                        rng=rng or numpy.random.default_rng())


class RnnlmGen(BookGenerate, Rnnlm):
    """Rnnlm that generates text (book 7.1.2)."""


class BetterRnnlmGen(BookGenerate, BetterRnnlm):
    """BetterRnnlm that generates text (book 7.1.3)."""
