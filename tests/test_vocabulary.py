"""The one Vocabulary: orders, special words, unknown words, padding, fingerprint."""
import numpy
import pytest

from common.text import UnknownWordError, Vocabulary, preprocess
from dataset import ptb, sequence
from tests.conftest import needs_ptb


def test_first_occurrence_and_frequency_orders():
    tokens = "b a c a b a".split()
    assert Vocabulary.from_tokens(tokens).words == ["b", "a", "c"]
    assert Vocabulary.from_tokens(tokens, order="frequency").words == ["a", "b", "c"]
    assert Vocabulary.from_tokens([["b", "a"], ["c", "a"]]).words == ["b", "a", "c"]     # token lists too
    v = Vocabulary.from_tokens(tokens, order="frequency", min_freq=2, specials=("<pad>", "<unk>"), unk="<unk>")
    assert v.words == ["<pad>", "<unk>", "a", "b"]
    with pytest.raises(ValueError, match="order must be"):
        Vocabulary.from_tokens(tokens, order="alphabetical")


def test_encode_decode_and_unknown_words():
    v = Vocabulary(["x", "y"])
    numpy.testing.assert_array_equal(v.encode(["y", "x"]), [1, 0])
    assert v.decode([1, 0, 1]) == ["y", "x", "y"] and v["y"] == 1 and "x" in v and len(v) == 2
    with pytest.raises(UnknownWordError, match="'z' is not in the vocabulary"):
        v.encode(["z"])
    u = Vocabulary(["<pad>", "<unk>", "x"], unk="<unk>")
    numpy.testing.assert_array_equal(u.encode(["x", "z"]), [2, 1])
    with pytest.raises(ValueError, match="distinct"):
        Vocabulary(["a", "a"])


def test_pad_batch_cuts_and_pads():
    v = Vocabulary(["<pad>", "a", "b"])
    ids, lengths = v.pad_batch([["a", "b", "a"], ["b"]], max_len=2)
    numpy.testing.assert_array_equal(ids, [[1, 2], [2, 0]])
    numpy.testing.assert_array_equal(lengths, [2, 1])


def test_book_dicts_and_fingerprint():
    corpus, word_to_id, id_to_word = preprocess("You say goodbye and I say hello.")
    assert id_to_word == {0: "you", 1: "say", 2: "goodbye", 3: "and", 4: "i", 5: "hello", 6: "."}
    assert Vocabulary(["a", "b"]).sha256() == Vocabulary(["a", "b"]).sha256() != Vocabulary(["b", "a"]).sha256()


@needs_ptb
def test_every_loader_uses_the_vocabulary():
    assert isinstance(ptb.vocabulary(), Vocabulary) and ptb.vocabulary()["car"] == 3856
    assert len(sequence.vocabulary("addition.txt")) == 13 and len(sequence.vocabulary("date.txt")) == 59
