"""Forward values of every layer, pinned against references written here independently.

A gradient check proves that backward matches forward, not that forward computes an LSTM. Each
reference below is the textbook formula written plainly (one time step, one row, one head at a
time, sigmoid as 1 / (1 + exp(-a))), run on several random shapes including sizes of 1; a few
cases are worked out by hand, and PyTorch is the reference too when it is installed.
"""
import math

import numpy
import pytest

from common.attention import Attention, AttentionWeight, TimeAttention, WeightSum
from common.layers import (Affine, Dropout, Embedding, MatMul, ReLU, Sigmoid, SigmoidWithLoss, Softmax,
                           SoftmaxWithLoss)
from common.negative_sampling import EmbeddingDot, NegativeSamplingLoss
from common.rng import seed
from common.time_layers import TimeMaskedMean, TimeSelectLast
from common.time_layers import TimeRNNCF
from common.time_layers import (TimeAffine, TimeBidirectional, TimeEmbedding, TimeGRU, TimeLSTM, TimeRNN,
                                TimeSoftmaxWithLoss)
from common.transformer import LayerNorm, MultiHeadSelfAttention, PositionalEncoding, TransformerBlock

SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 1, 2, 1), (1, 4, 1, 3)]     # N, T, D, H


def sig(a):
    return 1.0 / (1.0 + numpy.exp(-a))


def close(actual, expected):
    numpy.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.fixture(params=SHAPES, ids=lambda s: "N%d-T%d-D%d-H%d" % s)
def shape(request):
    return request.param


# --- feed-forward layers ---------------------------------------------------------------------

def test_matmul_affine_and_activations(rng, shape):
    N, _, D, H = shape
    x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
    ref = numpy.array([[sum(x[n, k] * W[k, h] for k in range(D)) for h in range(H)] for n in range(N)])
    close(MatMul(W).forward(x), ref)
    close(Affine(W, b).forward(x), ref + b)
    close(Sigmoid().forward(x), sig(x))
    close(ReLU().forward(x), numpy.where(x > 0, x, 0))
    e = numpy.exp(x)
    close(Softmax().forward(x), e / e.sum(axis=1, keepdims=True))


def test_softmax_with_loss_by_hand():
    # two equal scores: p = 1/2 each, loss = log 2; a sure score: loss = log(1 + e^-10)
    assert SoftmaxWithLoss().forward(numpy.zeros((1, 2)), numpy.array([0])) == pytest.approx(math.log(2), rel=1e-15)
    loss = SoftmaxWithLoss().forward(numpy.array([[10.0, 0.0]]), numpy.array([0]))
    assert loss == pytest.approx(math.log(1 + math.exp(-10)), rel=1e-12)


def test_softmax_and_sigmoid_losses(rng, shape):
    N, _, D, _ = shape
    x, t = rng.standard_normal((N, D + 1)), rng.integers(0, D + 1, N)
    p = numpy.exp(x) / numpy.exp(x).sum(axis=1, keepdims=True)
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(-numpy.mean(numpy.log(p[numpy.arange(N), t])), rel=1e-12)
    s, y = rng.standard_normal(N), rng.integers(0, 2, N)
    ref = -numpy.mean(y * numpy.log(sig(s)) + (1 - y) * numpy.log(1 - sig(s)))
    assert SigmoidWithLoss().forward(s, y) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_softplus_is_log_one_plus_exp_without_overflow(dtype):
    from common.functions import softplus
    x = numpy.array([-800.0, -30.0, -1.5, 0.0, 0.25, 30.0, 800.0], dtype=dtype)
    out = softplus(x)
    assert out.dtype == dtype
    want = [math.log1p(math.exp(v)) if v < 30 else v + math.log1p(math.exp(-v)) for v in x.astype(float)]
    numpy.testing.assert_allclose(out, want, rtol=1e-6 if dtype == numpy.float32 else 1e-15, atol=0)
    assert out[3] == pytest.approx(math.log(2))


def test_dropout_keeps_or_zeroes_and_rescales(rng):
    seed(0)
    x = rng.standard_normal((50, 40)) + 3.0
    layer = Dropout(0.25)
    y = layer.forward(x)
    kept = y != 0
    close(y[kept], x[kept] / 0.75)
    assert 0.70 < kept.mean() < 0.80
    layer.train_flg = False
    close(layer.forward(x), x)


def test_embedding_lookups(rng, shape):
    N, T, D, H = shape
    W = rng.standard_normal((7, H))
    idx = rng.integers(0, 7, (N, T))
    close(Embedding(W).forward(idx), numpy.array([[W[i] for i in row] for row in idx]))
    close(TimeEmbedding(W).forward(idx), numpy.array([[W[i] for i in row] for row in idx]))
    h, rows = rng.standard_normal((N, H)), rng.integers(0, 7, N)
    close(EmbeddingDot(W).forward(h, rows), [sum(W[rows[n], k] * h[n, k] for k in range(H)) for n in range(N)])


def test_negative_sampling_loss_with_known_negatives(rng):
    V, H, N, K = 8, 3, 4, 2
    W = rng.standard_normal((V, H))
    layer = NegativeSamplingLoss(W, numpy.arange(V).repeat(3), sample_size=K, seed=0)
    negatives = numpy.array([[1, 2], [3, 4], [5, 6], [7, 0]])
    layer.sampler.get_negative_sample = lambda target: negatives
    h, target = rng.standard_normal((N, H)), numpy.array([0, 1, 2, 3])
    ref = 0.0
    for n in range(N):
        ref -= math.log(sig(W[target[n]] @ h[n]))
        for k in range(K):
            ref -= math.log(sig(-(W[negatives[n, k]] @ h[n])))
    assert layer.forward(h, target) == pytest.approx(ref / N, rel=1e-12)


# --- recurrent layers ------------------------------------------------------------------------

def rnn_reference(xs, Wx, Wh, b, h):
    out = []
    for t in range(xs.shape[1]):
        h = numpy.tanh(xs[:, t] @ Wx + h @ Wh + b)
        out.append(h)
    return numpy.stack(out, axis=1)


def lstm_reference(xs, Wx, Wh, b, h, c):
    """The book's gate order in the fused columns: f, g, i, o."""
    H = h.shape[1]
    out = []
    for t in range(xs.shape[1]):
        a = xs[:, t] @ Wx + h @ Wh + b
        f, g, i, o = sig(a[:, :H]), numpy.tanh(a[:, H:2 * H]), sig(a[:, 2 * H:3 * H]), sig(a[:, 3 * H:])
        c = f * c + g * i
        h = o * numpy.tanh(c)
        out.append(h)
    return numpy.stack(out, axis=1)


def gru_reference(xs, Wx, Wh, b, h):
    """The book's GRU: z, r, candidate; h = (1 - z) h + z h~."""
    H = h.shape[1]
    out = []
    for t in range(xs.shape[1]):
        x = xs[:, t]
        z = sig(x @ Wx[:, :H] + h @ Wh[:, :H] + b[:H])
        r = sig(x @ Wx[:, H:2 * H] + h @ Wh[:, H:2 * H] + b[H:2 * H])
        cand = numpy.tanh(x @ Wx[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:] + b[2 * H:])
        h = (1 - z) * h + z * cand
        out.append(h)
    return numpy.stack(out, axis=1)


@pytest.mark.parametrize("layer_class, gates", [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_recurrent_layers_step_by_step(rng, shape, layer_class, gates):
    N, T, D, H = shape
    Wx, Wh, b = rng.standard_normal((D, gates * H)), rng.standard_normal((H, gates * H)), rng.standard_normal(gates * H)
    xs, h0, c0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    layer = layer_class(Wx, Wh, b, stateful=True)
    layer.set_state(h0, c0 if gates == 4 else None)
    out = layer.forward(xs)
    if gates == 1:
        expected = rnn_reference(xs, Wx, Wh, b, h0)
    elif gates == 4:
        expected = lstm_reference(xs, Wx, Wh, b, h0, c0)
    else:
        expected = gru_reference(xs, Wx, Wh, b, h0)
    close(out, expected)
    close(layer.h, expected[:, -1])


def test_lstm_one_step_by_hand():
    """D = H = 1, zero state: c = sigmoid(a_f) * 0 + tanh(a_g) * sigmoid(a_i), h = sigmoid(a_o) tanh(c)."""
    x = 0.5
    wx = numpy.array([[0.1, 0.2, 0.3, 0.4]])        # f, g, i, o
    b = numpy.array([0.0, 0.1, -0.1, 0.2])
    layer = TimeLSTM(wx, numpy.zeros((1, 4)), b)
    a_g, a_i, a_o = x * 0.2 + 0.1, x * 0.3 - 0.1, x * 0.4 + 0.2
    c = math.tanh(a_g) * (1 / (1 + math.exp(-a_i)))
    h = (1 / (1 + math.exp(-a_o))) * math.tanh(c)
    assert float(layer.forward(numpy.array([[[x]]]))[0, 0, 0]) == pytest.approx(h, rel=1e-14)
    assert float(layer.c[0, 0]) == pytest.approx(c, rel=1e-14)


def test_rnn_cf_step_by_step(rng, shape):
    N, T, D, H = shape
    S, alpha = 2, 0.9
    B, Wx, R, b = (rng.standard_normal(s) for s in [(D, S), (D + S, H), (H, H), (H,)])
    xs = rng.standard_normal((N, T, D))
    out = TimeRNNCF(B, Wx, R, b, alpha=alpha).forward(xs)
    s, h, expected = numpy.zeros((N, S)), numpy.zeros((N, H)), []
    for t in range(T):
        s = (1 - alpha) * xs[:, t] @ B + alpha * s
        h = numpy.tanh(numpy.concatenate([xs[:, t], s], axis=1) @ Wx + h @ R + b)
        expected.append(numpy.concatenate([h, s], axis=1))
    close(out, numpy.stack(expected, axis=1))


def test_bidirectional_reads_both_ways(rng, shape):
    N, T, D, H = shape
    p1 = [rng.standard_normal(s) for s in [(D, H), (H, H), (H,)]]
    p2 = [rng.standard_normal(s) for s in [(D, H), (H, H), (H,)]]
    xs = rng.standard_normal((N, T, D))
    out = TimeBidirectional(TimeRNN(*p1), TimeRNN(*p2)).forward(xs)
    forward = rnn_reference(xs, *p1, numpy.zeros((N, H)))
    backward = rnn_reference(xs[:, ::-1], *p2, numpy.zeros((N, H)))[:, ::-1]
    close(out, numpy.concatenate([forward, backward], axis=2))


def test_time_affine_and_softmax_loss(rng, shape):
    N, T, D, H = shape
    x, W, b = rng.standard_normal((N, T, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
    close(TimeAffine(W, b).forward(x), numpy.einsum("ntd,dh->nth", x, W) + b)
    scores, ts = rng.standard_normal((N, T, H + 1)), rng.integers(0, H + 1, (N, T))
    ts[0, 0] = -1                                              # ignored
    losses = [-math.log(math.exp(scores[n, t, ts[n, t]]) / numpy.exp(scores[n, t]).sum())
              for n in range(N) for t in range(T) if ts[n, t] != -1]
    expected = sum(losses) / len(losses) if losses else 0.0
    assert TimeSoftmaxWithLoss().forward(scores, ts) == pytest.approx(expected, rel=1e-12, abs=1e-15)


# --- attention and pooling -------------------------------------------------------------------

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


def test_pooling(rng, shape):
    N, T, _, H = shape
    xs = rng.standard_normal((N, T, H))
    lengths = rng.integers(1, T + 1, N)
    close(TimeSelectLast().forward(xs, lengths), [xs[n, lengths[n] - 1] for n in range(N)])
    close(TimeMaskedMean().forward(xs, lengths), [xs[n, :lengths[n]].mean(axis=0) for n in range(N)])


# --- Transformer parts -----------------------------------------------------------------------

def layer_norm_reference(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / numpy.sqrt(var + eps) * gamma + beta


def test_layer_norm_and_positions(rng, shape):
    N, T, _, H = shape
    x, g, b = rng.standard_normal((N, T, H + 1)), rng.standard_normal(H + 1), rng.standard_normal(H + 1)
    close(LayerNorm(g, b).forward(x), layer_norm_reference(x, g, b))
    D = 4
    pe = PositionalEncoding(10, D, dtype="d").forward(numpy.zeros((1, T, D)))[0]
    for t in range(T):
        for i in range(D // 2):
            assert pe[t, 2 * i] == pytest.approx(math.sin(t / 10000 ** (2 * i / D)), abs=1e-15)
            assert pe[t, 2 * i + 1] == pytest.approx(math.cos(t / 10000 ** (2 * i / D)), abs=1e-15)


def self_attention_reference(x, layer, n_heads, causal=True):
    Wqkv, bqkv, Wo, bo = layer.params
    N, T, D = x.shape
    d = D // n_heads
    out = numpy.zeros((N, T, D))
    for n in range(N):
        qkv = x[n] @ Wqkv + bqkv
        heads = []
        for head in range(n_heads):
            q = qkv[:, head * d:(head + 1) * d]
            k = qkv[:, D + head * d:D + (head + 1) * d]
            v = qkv[:, 2 * D + head * d:2 * D + (head + 1) * d]
            rows = []
            for t in range(T):
                visible = range(t + 1) if causal else range(T)
                s = numpy.array([q[t] @ k[u] / math.sqrt(d) for u in visible])
                w = numpy.exp(s - s.max()) / numpy.exp(s - s.max()).sum()
                rows.append(sum(w[j] * v[u] for j, u in enumerate(visible)))
            heads.append(numpy.array(rows))
        out[n] = numpy.concatenate(heads, axis=1) @ Wo + bo
    return out


@pytest.mark.parametrize("causal", [True, False])
def test_multi_head_self_attention(rng, causal):
    for N, T, D, heads in [(1, 1, 2, 1), (2, 4, 6, 3), (1, 3, 4, 2)]:
        layer = MultiHeadSelfAttention(D, heads, causal=causal, rng=rng, dtype="d")
        for p in layer.params:
            p[...] = rng.standard_normal(p.shape)
        x = rng.standard_normal((N, T, D))
        close(layer.forward(x), self_attention_reference(x, layer, heads, causal))


def test_transformer_block_is_two_pre_norm_residuals(rng):
    N, T, D, heads = 2, 3, 4, 2
    block = TransformerBlock(D, heads, rng=rng, dtype="d")
    for p in block.params:
        p[...] = rng.standard_normal(p.shape) * 0.5
    x = rng.standard_normal((N, T, D))
    g1, b1 = block.ln1.params
    h = x + self_attention_reference(layer_norm_reference(x, g1, b1), block.attn, heads)
    g2, b2 = block.ln2.params
    W1, c1, W2, c2 = block.ffn.params
    y = h + numpy.maximum(layer_norm_reference(h, g2, b2) @ W1 + c1, 0) @ W2 + c2
    close(block.forward(x), y)


# --- against PyTorch, when it is installed ---------------------------------------------------

def test_lstm_matches_pytorch(rng, shape):
    torch = pytest.importorskip("torch")
    N, T, D, H = shape
    ref = torch.nn.LSTM(D, H, batch_first=True).double()
    w_ih, w_hh = ref.weight_ih_l0.detach().numpy(), ref.weight_hh_l0.detach().numpy()
    bias = (ref.bias_ih_l0 + ref.bias_hh_l0).detach().numpy()
    order = numpy.r_[H:2 * H, 2 * H:3 * H, 0:H, 3 * H:4 * H]     # PyTorch i, f, g, o -> ours f, g, i, o
    layer = TimeLSTM(w_ih[order].T.copy(), w_hh[order].T.copy(), bias[order].copy())
    xs = rng.standard_normal((N, T, D))
    expected, _ = ref(torch.from_numpy(xs))
    close(layer.forward(xs), expected.detach().numpy())


def test_losses_and_layer_norm_match_pytorch(rng, shape):
    torch = pytest.importorskip("torch")
    N, T, _, H = shape
    x, t = rng.standard_normal((N, H + 1)), rng.integers(0, H + 1, N)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(t)).item()
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(expected, rel=1e-12)
    y, g, b = rng.standard_normal((N, T, H + 1)), rng.standard_normal(H + 1), rng.standard_normal(H + 1)
    ln = torch.nn.functional.layer_norm(torch.from_numpy(y), (H + 1,), torch.from_numpy(g), torch.from_numpy(b))
    close(LayerNorm(g, b).forward(y), ln.numpy())
