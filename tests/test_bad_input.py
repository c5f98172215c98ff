"""Bad input raises a clear error instead of a silent wrong answer."""
import re

import numpy
import pytest

from common.layers import Affine, Embedding, SoftmaxWithLoss
from common.text import UnknownWordError, most_similar, preprocess
from common.time_layers import TimeLSTM, TimeSoftmaxWithLoss
from common.trainer import RnnlmTrainer, Trainer
from ch01.two_layer_net import TwoLayerNet
from common.optimizer import SGD


def test_affine_rejects_wrong_width():
    layer = Affine(numpy.zeros((3, 2)), numpy.zeros(2))
    with pytest.raises(ValueError, match="last dimension 4, expected 3"):
        layer.forward(numpy.zeros((5, 4)))


def test_affine_rejects_input_that_is_not_numbers():
    layer = Affine(numpy.zeros((3, 2)), numpy.zeros(2))
    for bad in (numpy.array([["a", "b", "c"]]), numpy.zeros((1, 3), dtype=object), numpy.zeros((1, 3), complex)):
        with pytest.raises(TypeError, match="must be an array of numbers"):
            layer.forward(bad)


def test_embedding_rejects_out_of_range_and_float_ids():
    layer = Embedding(numpy.zeros((10, 2)))
    with pytest.raises(IndexError, match=r"\[0, 10\)"):
        layer.forward(numpy.array([3, 10]))
    with pytest.raises(IndexError):
        layer.forward(numpy.array([-1]))
    with pytest.raises(TypeError, match="integer"):
        layer.forward(numpy.array([1.0, 2.0]))


def test_softmax_loss_rejects_bad_labels():
    with pytest.raises(IndexError):
        SoftmaxWithLoss().forward(numpy.zeros((2, 3)), numpy.array([0, 3]))
    with pytest.raises(ValueError, match="rows"):
        SoftmaxWithLoss().forward(numpy.zeros((2, 3)), numpy.array([0, 1, 2]))
    with pytest.raises(ValueError, match="expected"):
        TimeSoftmaxWithLoss().forward(numpy.zeros((2, 3, 4)), numpy.zeros((3, 2), dtype=int))


def test_time_lstm_rejects_wrong_rank_and_width():
    H, D = 2, 3
    layer = TimeLSTM(numpy.zeros((D, 4 * H)), numpy.zeros((H, 4 * H)), numpy.zeros(4 * H))
    with pytest.raises(ValueError, match=r"\(N, T, D\)"):
        layer.forward(numpy.zeros((4, D)))
    with pytest.raises(ValueError, match=r"= \(\?, \?, 3\), got shape \(1, 2, 5\)"):
        layer.forward(numpy.zeros((1, 2, 5)))
    with pytest.raises(ValueError, match="expects Wx"):
        TimeLSTM(numpy.zeros((D, 3 * H)), numpy.zeros((H, 4 * H)), numpy.zeros(4 * H))


def test_stateful_batch_size_change_is_explained():
    H, D = 2, 3
    layer = TimeLSTM(numpy.zeros((D, 4 * H)), numpy.zeros((H, 4 * H)), numpy.zeros(4 * H), stateful=True)
    layer.forward(numpy.zeros((4, 2, D)))
    with pytest.raises(ValueError, match="reset_state"):
        layer.forward(numpy.zeros((3, 2, D)))


def test_unknown_word_is_named():
    corpus, w2i, i2w = preprocess("You say goodbye and I say hello.")
    with pytest.raises(UnknownWordError, match="'zebra' is not in the vocabulary"):
        most_similar("zebra", w2i, i2w, numpy.eye(len(w2i)), verbose=False)


def test_trainer_rejects_mismatched_data():
    trainer = Trainer(TwoLayerNet(2, 3, 3), SGD())
    with pytest.raises(ValueError, match=r"different lengths: \[4, 3\]"):
        trainer.fit(numpy.zeros((4, 2), "f"), numpy.zeros(3, int), batch_size=2)
    with pytest.raises(ValueError, match="shorter than one batch"):
        RnnlmTrainer(TwoLayerNet(2, 3, 3), SGD()).fit(numpy.zeros(10, int), numpy.zeros(10, int))


def test_nan_loss_stops_training():
    net = TwoLayerNet(2, 3, 3)
    x = numpy.full((4, 2), numpy.nan, dtype=numpy.float32)
    with pytest.raises(FloatingPointError):
        Trainer(net, SGD(), verbose=False).fit(x, numpy.zeros(4, int), max_epoch=1, batch_size=2, eval_interval=1)


def test_setting_state_on_a_stateless_layer_is_refused():
    H, D = 2, 3
    layer = TimeLSTM(numpy.zeros((D, 4 * H)), numpy.zeros((H, 4 * H)), numpy.zeros(4 * H))
    with pytest.raises(ValueError, match="stateful=False"):
        layer.set_state(numpy.zeros((1, H)))


H = 3


@pytest.mark.parametrize("hs_shape, h_shape, message", [
    ((2, 5, H), (1, H), r"h must be \(N, H\) like hs = \(2, 3\), got shape \(1, 3\)"),
    ((5, H), (5, H), r"hs must be \(N, T, H\) \(3-D\), got shape \(5, 3\)"),
    ((2, 5, H), (2, H + 1), r"h must be \(N, H\) like hs = \(2, 3\), got shape \(2, 4\)"),
    ((0, 5, H), (0, H), r"hs must be \(N, T, H\) with no empty axis"),
    ((2, 0, H), (2, H), r"hs must be \(N, T, H\) with no empty axis"),
])
def test_attention_refuses_mismatched_shapes(hs_shape, h_shape, message):
    from common.attention import Attention
    with pytest.raises(ValueError, match=message):
        Attention().forward(numpy.ones(hs_shape), numpy.ones(h_shape))


@pytest.mark.parametrize("enc_shape, dec_shape, message", [
    ((1, 5, H), (2, 4, H), r"hs_dec must be \(N, Td, H\) with the encoder's N and H = \(1, \?, 3\), got shape \(2, 4, 3\)"),
    ((2, 5, H), (2, 4, H + 1), r"= \(2, \?, 3\), got shape \(2, 4, 4\)"),
    ((2, 5), (2, 4, H), r"hs_enc must be \(N, T, H\) \(3-D\)"),
    ((2, 0, H), (2, 4, H), r"hs_enc must be \(N, T, H\) with no empty axis"),
])
def test_time_attention_refuses_mismatched_shapes(enc_shape, dec_shape, message):
    from common.attention import TimeAttention
    with pytest.raises(ValueError, match=message):
        TimeAttention().forward(numpy.ones(enc_shape), numpy.ones(dec_shape))


def test_weight_sum_refuses_weights_of_another_shape():
    from common.attention import WeightSum
    with pytest.raises(ValueError, match=r"a must be \(N, T\) = \(2, 5\), got shape \(1, 5\)"):
        WeightSum().forward(numpy.ones((2, 5, H)), numpy.ones((1, 5)))


def test_affine_layers_name_the_expected_shape():
    from common.layers import Affine
    from common.time_layers import TimeAffine
    W, b = numpy.ones((4, 2)), numpy.zeros(2)
    with pytest.raises(ValueError, match=r"x must be \(N, D\) \(2-D\), got shape \(3, 5, 4\)"):
        Affine(W, b).forward(numpy.ones((3, 5, 4)))
    with pytest.raises(ValueError, match=r"x must be \(N, T, D\) \(3-D\), got shape \(3, 4\)"):
        TimeAffine(W, b).forward(numpy.ones((3, 4)))
    with pytest.raises(ValueError, match=r"x must be \(N, D\) with no empty axis, got shape \(0, 4\)"):
        Affine(W, b).forward(numpy.ones((0, 4)))


@pytest.mark.parametrize("shape", [(0, 5, 3), (2, 0, 3)])
def test_time_lstm_refuses_an_empty_batch_or_sequence(shape):
    lstm = TimeLSTM(numpy.zeros((3, 8)), numpy.zeros((2, 8)), numpy.zeros(8))
    with pytest.raises(ValueError, match=r"xs must be \(N, T, D\) with no empty axis, got shape %s" % re.escape(str(shape))):
        lstm.forward(numpy.ones(shape))
    with pytest.raises(ValueError, match=r"xs must be \(N, T, D\) = \(\?, \?, 3\), got shape \(2, 5, 4\)"):
        lstm.forward(numpy.ones((2, 5, 4)))
