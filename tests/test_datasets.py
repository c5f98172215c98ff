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
    assert not (tmp_path / "cache").exists()        # no empty cache folders left behind either


def test_known_files_match_shared_data_checksums():
    root = os.environ["SCRATCHNLP_DATA"]
    for rel, (sha, _) in files.KNOWN_FILES.items():
        path = os.path.join(root, rel)
        if os.path.exists(path):
            assert files.sha256_of(path) == sha, rel


def test_tinyshakespeare_characters():
    from dataset.text_corpus import load_chars
    train, valid, c2i, i2c = load_chars()
    assert len(train) + len(valid) == 1115394 and len(c2i) == 65
    assert "".join(i2c[int(i)] for i in train[:14]) == "First Citizen:"


def test_sentiment_sets_and_seeded_splits():
    from dataset import sentiment
    (x, y), (xt, yt) = sentiment.rt_polarity(test_ratio=0.1, seed=0)
    assert len(x) + len(xt) == 10662 and sum(y) + sum(yt) == 5331 and len(xt) == 1066
    assert sentiment.rt_polarity(seed=0)[1][0] == xt
    (m, my), (mt, myt) = sentiment.movie_reviews(test_ratio=0.2, seed=0)
    assert len(m) + len(mt) == 2000 and sum(my) + sum(myt) == 1000 and len(mt) == 400


def test_analogy_questions():
    from dataset.analogy import load_questions
    sections = load_questions()
    assert len(sections) == 14 and sum(len(q) for q in sections.values()) == 19544
    assert len(sections["family"]) == 506 and sections["family"][0] == ("boy", "girl", "brother", "sister")


@pytest.mark.skipif(not os.path.exists("/usr/share/wordnet/index.sense"),
                    reason="Debian packages wordnet-base and wordnet-sense-index are not installed")
def test_wordnet_path_similarity_as_in_the_book(tmp_path, monkeypatch):
    pytest.importorskip("nltk")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from dataset.wordnet import wordnet
    wn = wordnet()
    car = wn.synset("car.n.01")
    assert car.path_similarity(wn.synset("novel.n.01")) == pytest.approx(0.0555555, abs=1e-6)
    assert car.path_similarity(wn.synset("dog.n.01")) == pytest.approx(0.0769230, abs=1e-6)
    assert car.path_similarity(wn.synset("motorcycle.n.01")) == pytest.approx(1 / 3)


def test_data_dir_may_start_with_a_tilde(tmp_path, monkeypatch):
    (tmp_path / "ptb").mkdir()
    (tmp_path / "ptb" / "extra.txt").write_text("x")
    monkeypatch.setenv("HOME", str(tmp_path.parent))
    monkeypatch.setenv("SCRATCHNLP_DATA", "~/" + tmp_path.name)
    assert files.data_path("ptb/extra.txt") == str(tmp_path / "ptb" / "extra.txt")


def test_offline_error_says_offline_mode_blocked_the_download(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNLP_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SCRATCHNLP_OFFLINE", "1")
    with pytest.raises(files.DataNotFoundError, match="SCRATCHNLP_OFFLINE=1 blocked the download from https://"):
        files.data_path("ptb/ptb.valid.txt")
    assert not (tmp_path / "cache").exists()


def test_tests_that_need_missing_data_skip_with_a_reason(tmp_path):
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, SCRATCHNLP_DATA=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"), SCRATCHNLP_OFFLINE="1")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          "tests/test_datasets.py::test_tinyshakespeare_characters"],
                         cwd=root, env=env, capture_output=True, text=True)
    assert "1 skipped" in out.stdout, out.stdout
    assert "data not available" in out.stdout and "tinyshakespeare/input.txt" in out.stdout
