"""The seq2seq models of ch07 and ch08: whole-model gradients, batched greedy generation, accuracy, learning to copy."""
import numpy
import pytest

from ch07.peeky_seq2seq import PeekySeq2seq
from ch07.seq2seq import Seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from common.checkpoint import walk
from common.gradcheck import check_model
from common.time_layers import TimeLSTM
from common.util import seq2seq_accuracy
from tests.helpers import ids, randn

N, T, H = 3, 5, 4


@pytest.mark.parametrize("cls,kwargs", [(Seq2seq, {}), (PeekySeq2seq, {}), (AttentionSeq2seq, {}),
                                        (AttentionSeq2seq, {"bidirectional": True})])
@pytest.mark.parametrize("D, H", [(4, 6), (2, 16)], ids=["reference-lstm", "stacked-lstm"])
def test_whole_model_gradient(rng, cls, kwargs, D, H):
    """At D 2, H 16 (4 D <= H) the encoders' TimeLSTMs take their stacked path (ch07, ch08's sizes 16 and 128-256)."""
    model = cls(9, D, H, rng=rng, dtype="d", **kwargs)
    for p in model.params:
        p[...] = randn(rng, *p.shape, scale=0.5)
    errors = check_model(model, [ids(rng, 9, N, 5), ids(rng, 9, N, 4)])
    assert max(errors.values()) < 1e-6, errors
    stacked = [layer.stacked for _, layer in walk(model) if isinstance(layer, TimeLSTM)]
    assert any(stacked) == (H >= 4 * D)


def test_generate_is_greedy_and_batched(rng):
    model = AttentionSeq2seq(9, 4, 6, rng=rng)
    xs = ids(rng, 9, 7, 5)
    out = model.generate(xs, 1, 4)
    assert out.shape == (7, 4)
    assert model.decoder.attention_weights.shape == (7, 4, 5)
    one = model.generate(xs[2:3], 1, 4)
    numpy.testing.assert_array_equal(out[2:3], one)


def test_seq2seq_accuracy_counts_exact_matches():
    class Echo:
        def generate(self, xs, start_id, size):
            return xs[:, :size]

    q = numpy.array([[1, 2], [3, 4]])
    a = numpy.array([[0, 1, 2], [0, 3, 5]])
    acc, guesses = seq2seq_accuracy(Echo(), q, a)
    assert acc == 0.5 and guesses.shape == (2, 2)


def test_seq2seq_learns_to_copy():
    rng = numpy.random.default_rng(0)
    xs = rng.integers(1, 6, (600, 3)).astype(numpy.int32)
    ts = numpy.concatenate([numpy.zeros((600, 1), numpy.int32), xs], axis=1)
    from common.optimizer import Adam
    from common.trainer import Trainer
    model = AttentionSeq2seq(6, 8, 32, rng=rng)
    Trainer(model, Adam(0.01), seed=0, verbose=False).fit(xs, ts, max_epoch=15, batch_size=30, max_grad=5.0, eval_interval=None)
    acc, _ = seq2seq_accuracy(model, xs[:200], ts[:200])
    assert acc > 0.9


def test_decay_last_ramps_the_learning_rate_down_over_the_final_epochs():
    import argparse
    from ch07.train_seq2seq import learning_rate
    args = argparse.Namespace(lr_decay=1.0, decay_last=3, epochs=6)
    assert [learning_rate(e, 1.0, args) for e in range(6)] == [1.0, 1.0, 1.0, 0.75, 0.5, 0.25]
    args.decay_last = None
    args.lr_decay = 0.5
    assert [learning_rate(e, 1.0, args) for e in range(3)] == [1.0, 0.5, 0.25]


def test_bidirectional_attention_model_builds_its_encoder_once():
    """The model's weights are exactly an encoder's and a decoder's drawn in turn from the same generator."""
    from ch08.attention_seq2seq import AttentionDecoder, AttentionEncoder
    model = AttentionSeq2seq(13, 4, 6, bidirectional=True, rng=numpy.random.default_rng(5))
    rng = numpy.random.default_rng(5)
    parts = AttentionEncoder(13, 4, 6, rng=rng, bidirectional=True), AttentionDecoder(13, 4, 6, rng=rng)
    expected = [p for part in parts for p in part.params]
    assert len(model.params) == len(expected) and all(numpy.array_equal(a, b) for a, b in zip(model.params, expected))
