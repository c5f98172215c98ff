"""Turning text into tokens and ids (book chapter 2)."""
import re

from common.text.vocabulary import Vocabulary


def preprocess(text):
    """Lower-case, split off '.', assign ids by first occurrence (the book's ``preprocess``).

    'You say goodbye and I say hello.' -> corpus [0 1 2 3 4 1 5 6].
    Returns (corpus int32 (n,), word_to_id, id_to_word).
    """
    words = text.lower().replace(".", " .").split()
    vocab = Vocabulary.from_tokens(words)
    return vocab.encode(words), vocab.word_to_id, vocab.id_to_word


def tokenize(text):
    """Words and punctuation marks as tokens, lower-cased: "Don't stop." -> ["don't", "stop", "."]."""
    return re.findall(r"[\w'-]+|[^\w\s]", text.lower())
