"""Loaders against ../shared/data: the book's counts, checksums and clear errors."""
import os

import numpy
import pytest

from dataset import files, ptb, sequence, spiral
from tests.conftest import needs_ptb


@needs_ptb
def test_ptb_counts_and_ids():
    sizes = {s: len(ptb.load_data(s)[0]) for s in ("train", "valid", "test")}
    assert sizes == {"train": 929589, "valid": 73760, "test": 82430}
    corpus, w2i, i2w = ptb.load_data("train")
    assert len(w2i) == 10000 and corpus.dtype == numpy.int32
    assert (w2i["car"], w2i["happy"], w2i["lexus"]) == (3856, 4428, 7426)
    assert (i2w[0], i2w[1], i2w[2]) == ("aer", "banknote", "berlitz")
    assert (w2i["<eos>"], w2i["<unk>"], w2i["N"]) == (24, 26, 27)
    assert ptb.load_data("val")[0].shape == (73760,)


def test_ptb_unknown_split():
    with pytest.raises(ValueError, match="unknown PTB split"):
        ptb.load_data("training")


def test_addition_and_date_each_have_their_own_vocabulary():
    (x, t), (xt, tt) = sequence.load_data("addition.txt")
    c2i, i2c = sequence.get_vocab("addition.txt")
    assert x.shape == (45000, 7) and t.shape == (45000, 5) and xt.shape == (5000, 7)
    assert "".join(i2c[int(c)] for c in x[0]) == "71+118 "
    assert "".join(i2c[int(c)] for c in t[0]) == "_189 "
    assert len(c2i) == 13
    assert len(sequence.get_vocab("date.txt")[0]) == 59
    assert len(sequence.get_vocab("addition.txt")[0]) == 13  # unchanged after loading date
    (xd, td), _ = sequence.load_data("date.txt")
    assert xd.shape == (45000, 29) and td.shape == (45000, 11)


def test_spiral_is_deterministic():
    x, t = spiral.load_data()
    assert x.shape == (300, 2) and t.shape == (300, 3)
    numpy.testing.assert_array_equal(x, spiral.load_data()[0])
    assert (t.sum(axis=0) == 100).all()


def test_missing_file_names_the_file_and_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNLP_DATA", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SCRATCHNLP_OFFLINE", "1")
    with pytest.raises(files.DataNotFoundError) as err:
        files.data_path("ptb/ptb.test.txt")
    message = str(err.value)
    assert "ptb/ptb.test.txt" in message and "SCRATCHNLP_DATA" in message


def test_checksum_mismatch_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "ptb").mkdir()
    (tmp_path / "ptb" / "ptb.test.txt").write_text("not the real file\n")
    monkeypatch.setenv("SCRATCHNLP_DATA", str(tmp_path))
    with pytest.raises(files.ChecksumError, match="sha256"):
        files.data_path("ptb/ptb.test.txt")


def test_failed_download_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNLP_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SCRATCHNLP_OFFLINE", "0")

    def refuse(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(files.urllib.request, "urlopen", refuse)
    with pytest.raises(files.DataNotFoundError, match="network unreachable"):
        files.data_path("ptb/ptb.valid.txt")
    cache = tmp_path / "cache" / "scratchnlp" / "ptb"
    assert not cache.exists() or os.listdir(cache) == []


def test_known_files_match_shared_data_checksums():
    root = os.environ["SCRATCHNLP_DATA"]
    for rel, (sha, _) in files.KNOWN_FILES.items():
        path = os.path.join(root, rel)
        if os.path.exists(path):
            assert files.sha256_of(path) == sha, rel
