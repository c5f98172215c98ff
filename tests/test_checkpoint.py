"""Checkpoints: self-describing (load_model rebuilds every model), named parameters, tied weights
stored once, the old format still loads, atomic writes, and a clear one-line error for bad files."""
import json
import os
import stat

import numpy
import pytest

from ch01.two_layer_net import TwoLayerNet
from ch03.simple_cbow import SimpleCBOW
from ch04.cbow import CBOW
from ch04.skip_gram import SkipGram
from ch05.char_lm import CharLM
from ch05.simple_rnnlm import SimpleRnnlm
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import GruRnnlm, Rnnlm
from ch06.sequence_classifier import BagOfWordsClassifier, RnnClassifier
from ch07.peeky_seq2seq import PeekySeq2seq
from ch07.seq2seq import Seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from ch08.transformer_lm import TransformerLM
from common.checkpoint import CheckpointError, load_model, read_checkpoint, save_checkpoint
from common.negative_sampling import UnigramSampler
from common.text import save_word_vectors

R = numpy.random.default_rng(0)
V = 12
CORPUS = R.integers(0, V, 200)


def lm_batch():
    return R.integers(0, V, (2, 5)), R.integers(0, V, (2, 5))


MODELS = {
    "TwoLayerNet": (lambda: TwoLayerNet(2, 4, 3), lambda: (R.standard_normal((5, 2)).astype("f"), R.integers(0, 3, 5))),
    "SimpleCBOW": (lambda: SimpleCBOW(V, 3), lambda: (numpy.eye(V, dtype="f")[R.integers(0, V, (4, 2))],
                                                      R.integers(0, V, 4))),
    "CBOW": (lambda: CBOW(V, 4, 2, CORPUS, seed=3), lambda: (R.integers(0, V, (6, 4)), R.integers(0, V, 6))),
    "SkipGram": (lambda: SkipGram(V, 4, 1, CORPUS, seed=3), lambda: (R.integers(0, V, (6, 2)), R.integers(0, V, 6))),
    "SimpleRnnlm": (lambda: SimpleRnnlm(V, 4, 5), lm_batch),
    "Rnnlm (D != H)": (lambda: Rnnlm(V, 6, 5), lm_batch),
    "GruRnnlm": (lambda: GruRnnlm(V, 4, 5), lm_batch),
    "BetterRnnlm": (lambda: BetterRnnlm(V, 4, 4), lm_batch),
    "CharLM rnncf": (lambda: CharLM(V, 3, 5, cell="rnncf", context_size=2), lm_batch),
    "TransformerLM": (lambda: TransformerLM(V, 8, 2, 1, max_len=5), lm_batch),
    "Seq2seq": (lambda: Seq2seq(V, 3, 4), lambda: (R.integers(0, V, (2, 4)), R.integers(0, V, (2, 3)))),
    "PeekySeq2seq": (lambda: PeekySeq2seq(V, 3, 4), lambda: (R.integers(0, V, (2, 4)), R.integers(0, V, (2, 3)))),
    "AttentionSeq2seq bi": (lambda: AttentionSeq2seq(V, 3, 4, bidirectional=True),
                            lambda: (R.integers(0, V, (2, 4)), R.integers(0, V, (2, 3)))),
    "RnnClassifier": (lambda: RnnClassifier(V, 3, 4, cell="gru"),
                      lambda: (R.integers(0, V, (3, 4)), numpy.array([4, 2, 1]), numpy.array([0, 1, 1]))),
    "BagOfWords": (lambda: BagOfWordsClassifier(V, 3),
                   lambda: (R.integers(0, V, (3, 4)), numpy.array([4, 2, 1]), numpy.array([0, 1, 1]))),
}


def loss(model, batch):
    if hasattr(model, "reset_state"):
        model.reset_state()
    kwargs = {"train_flg": False} if isinstance(model, BetterRnnlm) else {}
    return float(model.forward(*batch, **kwargs))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_load_model_rebuilds_every_model(name, tmp_path):
    make, batch_of = MODELS[name]
    model, batch = make(), batch_of()
    path = save_checkpoint(str(tmp_path / "m.npz"), model)
    loaded = load_model(path)
    assert type(loaded) is type(model)
    for p, q in zip(model.params, loaded.params):
        numpy.testing.assert_array_equal(p, q)
    assert loss(loaded, batch) == loss(model, batch)       # the sampler state travels too (word2vec)


def test_a_device_sampler_state_travels_in_the_checkpoint(tmp_path):
    """A word2vec model saved on the GPU backend keeps drawing the same negatives when loaded
    (the device path, with NumPy standing in for CuPy)."""
    make, batch_of = MODELS["CBOW"]
    model, batch = make(), batch_of()
    sampler = model.ns_loss.sampler
    sampler.load_state_dict(UnigramSampler(CORPUS, vocab_size=V, seed=5, on_device=True).state_dict())
    sampler.get_negative_sample(numpy.arange(10))                 # one refill made
    loaded = load_model(save_checkpoint(str(tmp_path / "m.npz"), model))
    assert loaded.ns_loss.sampler.on_device and loaded.ns_loss.sampler.refills == 1
    assert loss(loaded, batch) == loss(model, batch)


def test_parameters_are_stored_under_their_names(tmp_path):
    path = Rnnlm(V, 6, 5).save_params(str(tmp_path / "r.npz"))
    meta = read_checkpoint(path).meta
    names = [p["name"] for p in meta["model"]["params"]]
    assert names == ["layers.0.W", "recurrent.Wx", "recurrent.Wh", "recurrent.b", "layers.2.W", "layers.2.b"]
    assert meta["model"]["config"] == {"vocab_size": V, "wordvec_size": 6, "hidden_size": 5, "dtype": "f"}
    assert meta["model"]["class"] == "ch06.rnnlm:Rnnlm" and meta["version"] == 3


def test_tied_weights_are_stored_once_and_stay_tied(tmp_path):
    a = BetterRnnlm(vocab_size=20, wordvec_size=4, hidden_size=4)
    path = a.save_params(str(tmp_path / "better.npz"))
    with numpy.load(path) as data:
        assert len([k for k in data.files if k.startswith("param/")]) == len(a.params) - 1
    b = load_model(path)
    assert numpy.shares_memory(b.params[0], b.layers[-1].params[0])
    numpy.testing.assert_array_equal(b.params[0], a.params[0])


def test_load_params_copies_in_place(tmp_path):
    a, b = TwoLayerNet(2, 4, 3), TwoLayerNet(2, 4, 3)
    ids_before = [id(p) for p in b.params]
    b.load_params(a.save_params(str(tmp_path / "net.npz")))
    assert [id(p) for p in b.params] == ids_before
    for p, q in zip(a.params, b.params):
        numpy.testing.assert_array_equal(p, q)


def test_float16_storage(tmp_path):
    a = TwoLayerNet(2, 4, 3)
    path = a.save_params(str(tmp_path / "half.npz"), half=True)
    with numpy.load(path) as data:
        assert data["param/layers.0.W"].dtype == numpy.float16
    b = load_model(path)
    assert b.params[0].dtype == numpy.float32
    numpy.testing.assert_allclose(a.params[0], b.params[0], rtol=1e-3, atol=1e-4)


def write_format_1(model, path):
    """A checkpoint as the code before format 2 wrote it: p000.. arrays and a 'meta' index."""
    arrays = {"p%03d" % k: p for k, p in enumerate(model.params[:-2])}   # TwoLayerNet: no ties
    arrays.update({"p%03d" % (len(model.params) - 2): model.params[-2], "p%03d" % (len(model.params) - 1): model.params[-1]})
    meta = {"model": type(model).__name__, "index": [[k, False] for k in range(len(model.params))],
            "shapes": [list(p.shape) for p in model.params]}
    numpy.savez(path, meta=numpy.array(json.dumps(meta)), **arrays)


def test_format_1_checkpoints_still_load_their_weights(tmp_path):
    a, b = TwoLayerNet(2, 4, 3), TwoLayerNet(2, 4, 3)
    write_format_1(a, str(tmp_path / "old.npz"))
    b.load_params(str(tmp_path / "old.npz"))
    for p, q in zip(a.params, b.params):
        numpy.testing.assert_array_equal(p, q)
    with pytest.raises(CheckpointError, match="old .format 1. checkpoint that holds weights only"):
        load_model(str(tmp_path / "old.npz"))


def test_shape_mismatch_names_the_file_and_the_parameter(tmp_path):
    path = Rnnlm(vocab_size=30, wordvec_size=4, hidden_size=5).save_params(str(tmp_path / "r.npz"))
    other = Rnnlm(vocab_size=30, wordvec_size=4, hidden_size=6)
    before = [p.copy() for p in other.params]
    with pytest.raises(CheckpointError, match=r"r.npz: parameter recurrent.Wx has shape \(4, 20\) in the file but \(4, 24\)"):
        other.load_params(path)
    for p, q in zip(before, other.params):
        numpy.testing.assert_array_equal(p, q)          # nothing half-loaded


def test_wrong_model_class_is_named(tmp_path):
    path = Rnnlm(V, 4, 4).save_params(str(tmp_path / "r.npz"))
    with pytest.raises(CheckpointError, match="r.npz holds a Rnnlm, not a GruRnnlm"):
        GruRnnlm(V, 4, 4).load_params(path)


def one_line_error(path):
    with pytest.raises((CheckpointError, FileNotFoundError)) as info:
        load_model(path)
    message = str(info.value)
    assert path in message and "\n" not in message and "pickle" not in message
    return message


def test_bad_files_give_one_clear_line(tmp_path):
    good = Rnnlm(V, 4, 4).save_params(str(tmp_path / "good.npz"))
    data = open(good, "rb").read()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[:len(data) // 2])
    text = tmp_path / "notes.npz"
    text.write_text("hello, these are notes\n")
    vectors = save_word_vectors(str(tmp_path / "vectors.npz"), numpy.ones((3, 2)), {0: "a", 1: "b", 2: "c"})
    single = tmp_path / "single.npy"
    numpy.save(single, numpy.ones(3))
    assert "truncated or damaged" in one_line_error(str(truncated))
    assert "not an .npz archive" in one_line_error(str(text))
    assert "holds word vectors, not a model checkpoint" in one_line_error(vectors)
    assert "single .npy array" in one_line_error(str(single))
    assert "checkpoint not found" in one_line_error(str(tmp_path / "missing.npz"))


def test_only_scratchnlp_classes_are_imported(tmp_path):
    path = Rnnlm(V, 4, 4).save_params(str(tmp_path / "r.npz"))
    ckpt = read_checkpoint(path)
    ckpt.meta["model"]["class"] = "os:system"
    with pytest.raises(CheckpointError, match="only ScratchNLP's own modules are imported"):
        load_model(ckpt)


def test_a_failed_write_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    net = TwoLayerNet(2, 4, 3)
    path = net.save_params(str(tmp_path / "net.npz"))
    good = open(path, "rb").read()

    def boom(f, **arrays):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(numpy, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        net.save_params(path)
    assert open(path, "rb").read() == good
    assert os.listdir(tmp_path) == ["net.npz"]          # no temporary file left


def test_new_files_get_the_users_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = TwoLayerNet(2, 4, 3).save_params(str(tmp_path / "net.npz"))
        vectors = save_word_vectors(str(tmp_path / "v.npz"), numpy.ones((1, 2)), {0: "a"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(vectors).st_mode) == 0o644


def test_a_checkpoint_needs_npz_or_the_books_pkl(tmp_path):
    with pytest.raises(ValueError, match=".npz"):
        TwoLayerNet(2, 4, 3).save_params(str(tmp_path / "net.weights"))


FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "seq2seq_run_before_restructuring.npz")


def test_a_run_saved_before_the_restructuring_loads_and_resumes(tmp_path):
    """tests/fixtures holds last.npz of a 1-epoch peeky seq2seq run written by the code of commit fc0bb66
    (before common/ was reorganised): it still rebuilds its model and continues its run."""
    import shutil
    from ch07 import train_seq2seq
    from ch07.peeky_seq2seq import PeekySeq2seq
    model = load_model(FIXTURE)
    assert isinstance(model, PeekySeq2seq)
    assert read_checkpoint(FIXTURE).extra["args"]["reverse"] is True
    shutil.copy(FIXTURE, tmp_path / "last.npz")
    accs = train_seq2seq.main(["--resume", str(tmp_path / "last.npz"), "--epochs", "2"])
    assert len(accs) == 2


def test_the_books_save_params_and_load_params_default_to_the_class_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = Rnnlm(V, 4, 5)
    model.save_params()                                   # the book's call: <ClassName>.pkl in the working folder
    assert os.listdir(tmp_path) == ["Rnnlm.pkl"]
    other = Rnnlm(V, 4, 5, rng=numpy.random.default_rng(7))
    assert not numpy.array_equal(other.params[0], model.params[0])
    other.load_params()
    # the book's format keeps float16, as the book's save_params does
    assert all(numpy.array_equal(a, b.astype(numpy.float16).astype(numpy.float32))
               for a, b in zip(other.params, model.params))


def test_constructor_arguments_are_remembered_through_keyword_and_positional_catch_alls(tmp_path):
    from common.base_model import BaseModel
    from common.layers import Affine

    class Keywords(BaseModel):
        def __init__(self, n_in, **options):
            self.layer = Affine(numpy.zeros((n_in, options.get("n_out", 2)), "f"), numpy.zeros(options.get("n_out", 2), "f"))
            self.params, self.grads = self.layer.params, self.layer.grads

    class Positional(Keywords):
        def __init__(self, *sizes):
            super().__init__(sizes[0])

    assert Keywords(3, n_out=4).config() == {"n_in": 3, "n_out": 4}       # **options are spread out
    with pytest.raises(CheckpointError, match=r"Positional cannot describe its constructor arguments \(it takes \*args\)"):
        Positional(3).config()
    with pytest.raises(TypeError, match="n_in"):
        Keywords()                                        # a wrong call is reported by __init__ itself


def test_the_document_is_stored_as_utf8_and_format_2_files_still_load(tmp_path):
    from common import checkpoint
    model = Rnnlm(V, 4, 4)
    extra = {"note": "Grüße, 日本語 and \n newlines", "history": [0.1234567890123] * 2000}
    path = checkpoint.save_checkpoint(str(tmp_path / "v3.npz"), model, extra=extra)
    with numpy.load(path) as raw:
        assert raw[checkpoint.DOCUMENT_KEY].dtype == numpy.uint8
        assert json.loads(str(raw[checkpoint.META_KEY])) == {"format": checkpoint.FORMAT, "version": 3}
        arrays = {k: raw[k] for k in raw.files}
    ckpt = read_checkpoint(path)
    assert ckpt.version == 3 and ckpt.extra == extra
    # the same checkpoint as format 2 wrote it: the document as a NumPy string under __checkpoint__
    document = json.loads(arrays.pop(checkpoint.DOCUMENT_KEY).tobytes())
    document["version"] = 2
    arrays[checkpoint.META_KEY] = numpy.array(json.dumps(document))
    old = str(tmp_path / "v2.npz")
    numpy.savez(old, **arrays)
    assert os.path.getsize(old) > os.path.getsize(path) + 3 * len(json.dumps(extra))   # 4 bytes a character
    assert read_checkpoint(old).version == 2 and read_checkpoint(old).extra == extra
    for a, b in zip(load_model(old).params, model.params):
        numpy.testing.assert_array_equal(a, b)


def test_a_newer_or_damaged_format_is_one_clear_error(tmp_path):
    from common import checkpoint
    path = checkpoint.save_checkpoint(str(tmp_path / "m.npz"), Rnnlm(V, 4, 4))
    with numpy.load(path) as raw:
        arrays = {k: raw[k] for k in raw.files}
    newer = dict(arrays, **{checkpoint.META_KEY: numpy.array(json.dumps({"format": checkpoint.FORMAT, "version": 9}))})
    numpy.savez(str(tmp_path / "newer.npz"), **newer)
    with pytest.raises(CheckpointError, match="newer.npz was written by a newer ScratchNLP .*format 9"):
        read_checkpoint(str(tmp_path / "newer.npz"))
    damaged = dict(arrays, **{checkpoint.DOCUMENT_KEY: numpy.frombuffer(b"\xff\xfe{", dtype=numpy.uint8)})
    numpy.savez(str(tmp_path / "damaged.npz"), **damaged)
    with pytest.raises(CheckpointError, match="damaged.npz has a damaged description"):
        read_checkpoint(str(tmp_path / "damaged.npz"))
    numpy.savez(str(tmp_path / "v1.npz"), p000=numpy.ones(2), meta=numpy.array("{not json"))     # format 1
    with pytest.raises(CheckpointError, match="v1.npz has a damaged description"):
        read_checkpoint(str(tmp_path / "v1.npz"))


def test_the_vocabulary_is_part_of_the_document_and_comes_back(tmp_path):
    from common.checkpoint import vocab_entry
    id_to_word = {0: "the", 1: "Grüße", 2: "\n", 3: "<eos>"}
    path = save_checkpoint(str(tmp_path / "m.npz"), Rnnlm(4, 4, 4), extra={"vocab": vocab_entry(id_to_word)})
    ckpt = read_checkpoint(path)
    assert not [k for k in ckpt.arrays if k.startswith("extra/")]        # no 4-bytes-a-character string array
    assert ckpt.vocab() == ({w: i for i, w in id_to_word.items()}, id_to_word)


def test_a_checkpoint_naming_a_moved_class_still_loads(tmp_path):
    """BetterRnnlm moved from ch06/rnnlm.py to ch06/better_rnnlm.py (the book's file); older files name the old home."""
    model = BetterRnnlm(V, 4, 4, dtype="d")
    path = model.save_params(str(tmp_path / "better.npz"))
    with numpy.load(path) as f:
        arrays = dict(f)
    document = arrays["__checkpoint_json__"].tobytes().decode()
    assert '"ch06.better_rnnlm:BetterRnnlm"' in document
    old = document.replace('"ch06.better_rnnlm:BetterRnnlm"', '"ch06.rnnlm:BetterRnnlm"')
    arrays["__checkpoint_json__"] = numpy.frombuffer(old.encode(), dtype=numpy.uint8)
    numpy.savez(tmp_path / "old.npz", **arrays)
    again = load_model(str(tmp_path / "old.npz"))
    assert type(again) is BetterRnnlm and all(numpy.array_equal(a, b) for a, b in zip(again.params, model.params))
