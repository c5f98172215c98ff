"""Interpolated Kneser-Ney: against a plain dictionary implementation, probabilities that sum to 1,
and the PTB script."""
from collections import Counter, defaultdict

import numpy
import pytest

from ch05.ngram_lm import KneserNeyLM
from tests.conftest import needs_ptb


def reference_kn(corpus, V, n):
    """Interpolated Kneser-Ney written the slow, obvious way: dictionaries of tuples."""
    grams = {k: Counter(tuple(corpus[i - k + 1:i + 1]) for i in range(k - 1, len(corpus))) for k in range(1, n + 1)}
    a = {n: dict(grams[n])}
    for k in range(1, n):                                      # continuation counts N1+(. g)
        a[k] = Counter(g[1:] for g in grams[k + 1])
    A, T, D = {}, {}, {}
    for k in range(1, n + 1):
        A[k], T[k] = defaultdict(float), defaultdict(float)
        for g, c in a[k].items():
            A[k][g[:-1]] += c
            T[k][g[:-1]] += c > 0
        values = list(a[k].values())
        n1, n2 = values.count(1), values.count(2)
        D[k] = n1 / (n1 + 2 * n2) if n1 else 0.5

    def prob(w, context):
        p = 1.0 / V
        for k in range(1, n + 1):
            h = tuple(context[len(context) - (k - 1):]) if k > 1 else ()
            if k > 1 and len(context) < k - 1:
                continue
            if A[k].get(h, 0) > 0:
                p = (max(a[k].get(h + (w,), 0) - D[k], 0) + D[k] * T[k][h] * p) / A[k][h]
        return p

    return prob


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_a_plain_implementation(order):
    rng = numpy.random.default_rng(order)
    corpus = [int(w) for w in rng.integers(0, 7, 400)] + [8, 8]      # word 9 never occurs
    model = KneserNeyLM(corpus, 10, order)
    prob = reference_kn(corpus, 10, order)
    for context in ([], [3], [1, 2], [4, 4, 4], [8, 8], [9, 1], [2, 9, 0]):
        expected = [prob(w, context) for w in range(10)]
        numpy.testing.assert_allclose(model.distribution(context), expected, rtol=1e-12)
        assert model.distribution(context).sum() == pytest.approx(1.0, abs=1e-12)
    stream = [int(w) for w in rng.integers(0, 10, 30)]
    expected = [numpy.log(prob(stream[t], stream[max(0, t - order + 1):t])) for t in range(len(stream))]
    numpy.testing.assert_allclose(model.log_probs(stream), expected, rtol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="order must be at least 1"):
        KneserNeyLM([1, 2], 3, 0)
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 3\)"):
        KneserNeyLM([1, 5], 3, 2)


@needs_ptb
def test_ptb_distributions_sum_to_one_and_kn5_beats_kn2():
    from dataset import ptb
    train, w2i, _ = ptb.load_data("train")
    test, _, _ = ptb.load_data("test")
    model = KneserNeyLM(train[:200000], len(w2i), 5)
    rng = numpy.random.default_rng(0)
    for start in rng.integers(0, len(test) - 5, 5):
        assert model.distribution(test[start:start + 4]).sum() == pytest.approx(1.0, abs=1e-9)
    bigram = KneserNeyLM(train[:200000], len(w2i), 2)
    assert model.perplexity(test[:20000]) < bigram.perplexity(test[:20000])
