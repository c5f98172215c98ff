"""Sampling, greedy decoding and beam search on a hand-built language model."""
import itertools
import math

import numpy
import pytest

from common.generation import beam_search, generate

# tokens: 0 start, 1 A, 2 B, 3 C. From start: A 0.6, B 0.4. After A: A, B, C a third each.
# After B: C with 0.97. After C: C with 0.9. Greedy picks A first; the best 3-token path is B C C.
TABLE = numpy.array([
    [1e-9, 0.6, 0.4, 1e-9],
    [1e-9, 1 / 3, 1 / 3, 1 / 3],
    [0.01, 0.01, 0.01, 0.97],
    [0.04, 0.03, 0.03, 0.9],
])


class MarkovLM:
    """predict() scores depend on the previous token only; state = that token."""

    def __init__(self):
        self.last = None

    def reset_state(self):
        self.last = None

    def get_state(self):
        return [(self.last, None)]

    def set_state(self, state):
        self.last = state[0][0]

    def predict(self, xs):
        xs = numpy.asarray(xs)
        scores = numpy.log(TABLE[xs])          # (N, T, V)
        self.last = xs[:, -1:].astype(float)
        return scores


def path_logp(path):
    return sum(math.log(TABLE[a, b]) for a, b in zip(path, path[1:]))


def test_beam_search_returns_the_best_sequence():
    ids, logp = beam_search(MarkovLM(), [0], 4, beam_width=2)
    best = max(([0] + list(p) for p in itertools.product(range(4), repeat=3)), key=path_logp)
    assert ids == best == [0, 2, 3, 3]
    assert logp == pytest.approx(path_logp(best))


def test_greedy_is_worse_than_beam_here():
    model = MarkovLM()
    greedy = generate(model, [0], 4, strategy="greedy")
    assert greedy[1] == 1
    assert path_logp(greedy) < path_logp(beam_search(MarkovLM(), [0], 4, beam_width=2)[0])


def test_skip_ids_are_never_generated():
    out = generate(MarkovLM(), [0], 50, strategy="sample", skip_ids=[3], rng=numpy.random.default_rng(0))
    assert 3 not in out and len(out) == 50
    ids, _ = beam_search(MarkovLM(), [0], 4, beam_width=3, skip_ids=[3])
    assert 3 not in ids


def test_temperature_and_top_k():
    rng = numpy.random.default_rng(0)
    cold = [generate(MarkovLM(), [0], 2, temperature=0.05, rng=rng)[1] for _ in range(200)]
    assert cold.count(1) > 190  # nearly greedy
    top1 = [generate(MarkovLM(), [0], 2, top_k=1, rng=rng)[1] for _ in range(50)]
    assert set(top1) == {1}
    with pytest.raises(ValueError):
        generate(MarkovLM(), [0], 3, temperature=0)


def test_the_books_generator_classes_sample_in_its_calling_style():
    from ch07.rnnlm_gen import BetterRnnlmGen, RnnlmGen
    for cls, kwargs in ((RnnlmGen, {}), (BetterRnnlmGen, {"dropout_ratio": 0.5})):
        model = cls(vocab_size=30, wordvec_size=8, hidden_size=8, **kwargs)
        ids = model.generate(3, skip_ids=[0, 1, 2], sample_size=25, rng=numpy.random.default_rng(0))
        assert len(ids) == 25 and ids[0] == 3 and not {0, 1, 2} & set(ids[1:])
        model.reset_state()
        again = model.generate(3, skip_ids=[0, 1, 2], sample_size=25, rng=numpy.random.default_rng(0))
        assert again == ids                                        # the draws follow the given generator


def test_a_generator_loads_the_weights_its_language_model_saved(tmp_path):
    from ch06.better_rnnlm import BetterRnnlm
    from ch06.rnnlm import Rnnlm
    from ch07.rnnlm_gen import RnnlmGen
    from common.checkpoint import CheckpointError
    trained = Rnnlm(vocab_size=30, wordvec_size=8, hidden_size=8, rng=numpy.random.default_rng(2))
    path = trained.save_params(str(tmp_path / "Rnnlm.npz"))
    gen = RnnlmGen(vocab_size=30, wordvec_size=8, hidden_size=8)
    gen.load_params(path)                                          # a RnnlmGen is a Rnnlm
    assert all(numpy.array_equal(a, b) for a, b in zip(gen.params, trained.params))
    with pytest.raises(CheckpointError, match="holds a Rnnlm, not a BetterRnnlm"):
        BetterRnnlm(vocab_size=30, wordvec_size=8, hidden_size=8).load_params(path)
