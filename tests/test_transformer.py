"""Gradient checks for LayerNorm, attention heads, the Transformer block and the whole LM."""
import numpy
import pytest

from ch08.transformer_lm import TransformerLM
from common.gradcheck import check_model
from common.transformer import (FeedForward, LayerNorm, MultiHeadSelfAttention, PositionalEncoding,
                                ScaledDotProductAttention, TransformerBlock, sinusoidal_positions)
from tests.helpers import assert_gradients, ids, randn


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
