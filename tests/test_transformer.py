"""common/transformer.py and ch08.transformer_lm: gradient checks of LayerNorm, attention heads, the
Transformer block and the whole LM; forward values against per-row, per-head references written here,
and PyTorch's layer_norm when installed."""
import math

import numpy
import pytest

from ch08.transformer_lm import TransformerLM
from common.gradcheck import check_model
from common.transformer import (FeedForward, LayerNorm, MultiHeadSelfAttention, PositionalEncoding,
                                ScaledDotProductAttention, TransformerBlock, sinusoidal_positions)
from tests.helpers import assert_gradients, close, ids, randn


def test_layer_norm(rng):
    assert_gradients(LayerNorm(randn(rng, 6), randn(rng, 6)), [randn(rng, 2, 3, 6)])


def test_scaled_dot_product_attention(rng):
    assert_gradients(ScaledDotProductAttention(causal=True), [randn(rng, 2, 2, 4, 3) for _ in range(3)])


@pytest.mark.parametrize("causal", [True, False])
def test_multi_head_self_attention(rng, causal):
    assert_gradients(MultiHeadSelfAttention(8, 2, causal, rng=rng, dtype="d"), [randn(rng, 2, 4, 8)])


def test_feed_forward_and_block(rng):
    x = randn(rng, 2, 4, 8)
    x[numpy.abs(x) < 1e-3] = 0.1
    assert_gradients(FeedForward(8, 16, rng=rng, dtype="d"), [x])
    assert_gradients(TransformerBlock(8, 2, rng=rng, dtype="d"), [randn(rng, 2, 4, 8)])


def test_causal_mask_blocks_the_future(rng):
    layer = MultiHeadSelfAttention(8, 2, causal=True, rng=rng, dtype="d")
    x = randn(rng, 1, 5, 8)
    out = layer.forward(x)
    x2 = x.copy()
    x2[0, 3:] += 10.0                       # change only the future of position 2
    out2 = layer.forward(x2)
    numpy.testing.assert_allclose(out[0, :3], out2[0, :3])
    assert not numpy.allclose(out[0, 3:], out2[0, 3:])
    assert numpy.allclose(numpy.triu(layer.attention.weights[0, 0], k=1), 0)


def test_positional_encoding():
    pe = sinusoidal_positions(10, 6, dtype="d")
    assert pe[0, 0] == 0 and pe[0, 1] == 1
    assert pe[3, 2] == pytest.approx(numpy.sin(3 / 10000 ** (2 / 6)))
    with pytest.raises(ValueError, match="max_len"):
        PositionalEncoding(4, 6).forward(numpy.zeros((1, 5, 6), "f"))


def test_whole_transformer_lm_gradient(rng):
    model = TransformerLM(11, 8, 2, 2, 16, rng=rng, dtype="d")
    errors = check_model(model, [ids(rng, 11, 2, 5), ids(rng, 11, 2, 5)])
    assert max(errors.values()) < 1e-6, errors


def test_transformer_lm_script_validates_on_its_own_context_length(tmp_path):
    """--time-size below the book's 35-step window used to crash after the first epoch."""
    from ch08 import train_transformer_lm
    history = train_transformer_lm.main(["--epochs", "2", "--limit-chars", "4000", "--time-size", "16",
                                         "--model-size", "8", "--heads", "2", "--out-dir", str(tmp_path)])
    assert len(history) == 2 and all(1 < r["valid"] < 70 for r in history)


# --- forward values ----------------------------------------------------------------------------

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
def test_multi_head_self_attention_equals_a_loop_over_heads_and_positions(rng, causal):
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


def test_layer_norm_matches_pytorch(rng, shape):
    torch = pytest.importorskip("torch")
    N, T, _, H = shape
    y, g, b = rng.standard_normal((N, T, H + 1)), rng.standard_normal(H + 1), rng.standard_normal(H + 1)
    ln = torch.nn.functional.layer_norm(torch.from_numpy(y), (H + 1,), torch.from_numpy(g), torch.from_numpy(b))
    close(LayerNorm(g, b).forward(y), ln.numpy())
