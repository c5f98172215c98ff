"""Checkpoints: .npz round trip, float16, tied weights, atomic writes, clear shape errors."""
import os

import numpy
import pytest

from ch01.two_layer_net import TwoLayerNet
from ch06.rnnlm import BetterRnnlm, Rnnlm
from common.base_model import CheckpointError


def test_round_trip_copies_in_place(tmp_path):
    a, b = TwoLayerNet(2, 4, 3), TwoLayerNet(2, 4, 3)
    ids_before = [id(p) for p in b.params]
    path = a.save_params(str(tmp_path / "net.npz"))
    b.load_params(path)
    assert [id(p) for p in b.params] == ids_before
    for p, q in zip(a.params, b.params):
        numpy.testing.assert_array_equal(p, q)


def test_float16_storage(tmp_path):
    a, b = TwoLayerNet(2, 4, 3), TwoLayerNet(2, 4, 3)
    path = a.save_params(str(tmp_path / "half.npz"), half=True)
    with numpy.load(path) as data:
        assert data["p000"].dtype == numpy.float16
    b.load_params(path)
    assert b.params[0].dtype == numpy.float32
    numpy.testing.assert_allclose(a.params[0], b.params[0], rtol=1e-3, atol=1e-4)


def test_tied_weights_stay_tied_after_load(tmp_path):
    a = BetterRnnlm(vocab_size=20, wordvec_size=4, hidden_size=4)
    b = BetterRnnlm(vocab_size=20, wordvec_size=4, hidden_size=4)
    path = a.save_params(str(tmp_path / "better.npz"))
    with numpy.load(path) as data:
        assert len([k for k in data.files if k.startswith("p")]) == len(a.params) - 1
    b.load_params(path)
    embed_W, affine_W = b.params[0], b.layers[-1].params[0]
    assert numpy.shares_memory(embed_W, affine_W)
    numpy.testing.assert_array_equal(embed_W, a.params[0])


def test_shape_mismatch_is_a_clear_error(tmp_path):
    path = Rnnlm(vocab_size=30, wordvec_size=4, hidden_size=5).save_params(str(tmp_path / "r.npz"))
    other = Rnnlm(vocab_size=30, wordvec_size=4, hidden_size=6)
    before = [p.copy() for p in other.params]
    with pytest.raises(CheckpointError, match="parameter shapes"):
        other.load_params(path)
    for p, q in zip(before, other.params):
        numpy.testing.assert_array_equal(p, q)


def test_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint not found"):
        TwoLayerNet(2, 4, 3).load_params(str(tmp_path / "nope.npz"))


def test_no_pickle_and_npz_only(tmp_path):
    net = TwoLayerNet(2, 4, 3)
    with pytest.raises(ValueError, match=".npz"):
        net.save_params(str(tmp_path / "net.pkl"))
    path = net.save_params(str(tmp_path / "net.npz"))
    numpy.load(path, allow_pickle=False).close()


def test_failed_write_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    net = TwoLayerNet(2, 4, 3)
    path = net.save_params(str(tmp_path / "net.npz"))
    good = open(path, "rb").read()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(numpy, "savez", boom)
    with pytest.raises(OSError):
        net.save_params(path)
    assert open(path, "rb").read() == good
    assert os.listdir(tmp_path) == ["net.npz"]
