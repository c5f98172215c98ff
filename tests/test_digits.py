"""Images as sequences: ReLU RNN / IRNN and forget-bias initialisation, the sequence classifier,
scikit-learn's digits and MNIST IDX files."""
import gzip
import struct

import numpy
import pytest

from ch06.sequence_classifier import SequenceClassifier
from common.gradcheck import check_model
from common.init import recurrent_layer
from common.time_layers import TimeGRU, TimeLSTM, TimeRNN
from dataset.mnist import IDXError, load_mnist, read_idx
from tests.helpers import assert_gradients, randn


def test_relu_rnn_forward_and_gradients(rng):
    Wx, Wh, b = randn(rng, 3, 4), randn(rng, 4, 4, scale=0.5), randn(rng, 4)
    layer = TimeRNN(Wx, Wh, b, activation="relu")
    xs = randn(rng, 2, 5, 3)
    h, expected = numpy.zeros((2, 4)), []
    for t in range(5):
        h = numpy.maximum(xs[:, t] @ Wx + h @ Wh + b, 0)
        expected.append(h)
    numpy.testing.assert_allclose(layer.forward(xs), numpy.stack(expected, axis=1), rtol=1e-12)
    assert_gradients(layer, [xs])
    with pytest.raises(ValueError, match="activation must be"):
        TimeRNN(Wx, Wh, b, activation="sigmoid")


def test_irnn_and_forget_bias_initialisation(rng):
    irnn = recurrent_layer(TimeRNN, 3, 5, rng=rng, init="irnn", dtype="d")
    assert irnn.activation == "relu"
    numpy.testing.assert_array_equal(irnn.params[1], numpy.eye(5))
    numpy.testing.assert_array_equal(irnn.params[2], 0)
    assert numpy.abs(irnn.params[0]).max() < 0.01
    lstm = recurrent_layer(TimeLSTM, 3, 2, rng=rng, forget_bias=1.0)
    numpy.testing.assert_array_equal(lstm.params[2], [1, 1, 0, 0, 0, 0, 0, 0])     # f block first
    with pytest.raises(ValueError, match="for TimeRNN"):
        recurrent_layer(TimeLSTM, 3, 2, init="irnn")
    with pytest.raises(ValueError, match="for TimeLSTM"):
        recurrent_layer(TimeGRU, 3, 2, forget_bias=1.0)


@pytest.mark.parametrize("cell, init, forget_bias", [("rnn", "irnn", 0.0), ("rnn", "xavier", 0.0),
                                                     ("lstm", "xavier", 1.0), ("gru", "xavier", 0.0)])
def test_sequence_classifier_gradient(rng, cell, init, forget_bias):
    model = SequenceClassifier(3, 4, 5, cell=cell, init=init, forget_bias=forget_bias, rng=rng, dtype="d")
    for p in model.params:
        p += rng.standard_normal(p.shape) * 0.3
    errors = check_model(model, [rng.standard_normal((4, 6, 3)), rng.integers(0, 5, 4)])
    assert max(errors.values()) < 1e-6, errors


def test_digits_as_rows_and_pixels():
    pytest.importorskip("sklearn")
    from ch06.train_digits import as_sequences
    from dataset.digits import load_digits
    (x, y), (xt, yt) = load_digits()
    assert x.shape == (1438, 8, 8) and xt.shape == (359, 8, 8) and 0 <= x.min() and x.max() == 1
    assert set(y) == set(range(10))
    assert as_sequences(x, pixels=True).shape == (1438, 64, 1)
    numpy.testing.assert_array_equal(as_sequences(x, pixels=True)[:, 8:16, 0], x[:, 1])   # row 2 = steps 8-15


def write_idx(path, array, compress=False):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(">%dI" % array.ndim, *array.shape)
    data = header + array.astype(numpy.uint8).tobytes()
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(data)


def test_idx_files_round_trip_and_bad_files_are_named(tmp_path):
    images = numpy.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    write_idx(str(tmp_path / "a"), images)
    numpy.testing.assert_array_equal(read_idx(str(tmp_path / "a")), images)
    write_idx(str(tmp_path / "a.gz"), images, compress=True)
    numpy.testing.assert_array_equal(read_idx(str(tmp_path / "a.gz")), images)
    (tmp_path / "text").write_bytes(b"hello world")
    with pytest.raises(IDXError, match="text is not an IDX file"):
        read_idx(str(tmp_path / "text"))
    (tmp_path / "short").write_bytes((tmp_path / "a").read_bytes()[:100])
    with pytest.raises(IDXError, match="short is truncated"):
        read_idx(str(tmp_path / "short"))


def test_load_mnist_reads_the_four_files(tmp_path):
    rng = numpy.random.default_rng(0)
    for split, n in (("train", 5), ("t10k", 3)):
        write_idx(str(tmp_path / ("%s-images-idx3-ubyte" % split)), rng.integers(0, 256, (n, 28, 28)))
        write_idx(str(tmp_path / ("%s-labels-idx1-ubyte.gz" % split)), rng.integers(0, 10, n), compress=True)
    (x, y), (xt, yt) = load_mnist(str(tmp_path))
    assert x.shape == (5, 28, 28) and x.dtype == numpy.float32 and x.max() <= 1 and y.shape == (5,)
    assert xt.shape == (3, 28, 28)
    with pytest.raises(FileNotFoundError, match=r"MNIST file train-images-idx3-ubyte\(.gz\) not found in .*missing"):
        load_mnist(str(tmp_path / "missing"))


def test_the_script_reads_mnist_idx_files(tmp_path):
    from ch06 import train_digits
    rng = numpy.random.default_rng(0)
    for split, n in (("train", 64), ("t10k", 16)):
        write_idx(str(tmp_path / ("%s-images-idx3-ubyte" % split)), rng.integers(0, 256, (n, 28, 28)))
        write_idx(str(tmp_path / ("%s-labels-idx1-ubyte" % split)), rng.integers(0, 10, n))
    result = train_digits.main(["--mnist", str(tmp_path), "--epochs", "1", "--hidden-size", "8",
                                "--out-dir", str(tmp_path / "run")])
    # seeded, on random images and labels: 1 of the 16 test images right, a loss near log 10 = 2.303
    assert result["test_accuracy"] == 1 / 16 and result["best_epoch"] == 1
    assert result["test_loss"] == pytest.approx(2.312958, rel=1e-4)
