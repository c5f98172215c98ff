"""common/attention.py: the attention layers' gradient checks and forward values against a
per-row reference written here."""
import numpy

from common.attention import Attention, AttentionWeight, TimeAttention, WeightSum
from tests.helpers import assert_gradients, close, randn

N, T, H = 3, 5, 4


def test_weight_sum(rng):
    a = numpy.abs(randn(rng, N, T))
    assert_gradients(WeightSum(), [randn(rng, N, T, H), a])


def test_attention_weight(rng):
    assert_gradients(AttentionWeight(), [randn(rng, N, T, H), randn(rng, N, H)])


def test_attention(rng):
    assert_gradients(Attention(), [randn(rng, N, T, H), randn(rng, N, H)])


def test_time_attention(rng):
    assert_gradients(TimeAttention(), [randn(rng, N, T, H), randn(rng, N, 3, H)])


def test_time_attention_equals_per_step_attention(rng):
    hs, dec = randn(rng, N, T, H), randn(rng, N, 3, H)
    layer = TimeAttention()
    out = layer.forward(hs, dec)
    for t in range(3):
        step = Attention()
        numpy.testing.assert_allclose(out[:, t], step.forward(hs, dec[:, t]))
        numpy.testing.assert_allclose(layer.attention_weights[:, t], step.attention_weight)


def test_attention_layers(rng, shape):
    N, T, _, H = shape
    hs, h = rng.standard_normal((N, T, H)), rng.standard_normal((N, H))
    expected_a = numpy.zeros((N, T))
    expected_c = numpy.zeros((N, H))
    for n in range(N):
        scores = numpy.array([hs[n, t] @ h[n] for t in range(T)])
        expected_a[n] = numpy.exp(scores) / numpy.exp(scores).sum()
        expected_c[n] = sum(expected_a[n, t] * hs[n, t] for t in range(T))
    close(AttentionWeight().forward(hs, h), expected_a)
    close(WeightSum().forward(hs, expected_a), expected_c)
    close(Attention().forward(hs, h), expected_c)
    Td = 2
    dec = rng.standard_normal((N, Td, H))
    out = TimeAttention().forward(hs, dec)
    close(out, numpy.stack([Attention().forward(hs, dec[:, j]) for j in range(Td)], axis=1))
