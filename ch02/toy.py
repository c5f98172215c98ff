"""The book's toy corpus, shared by the chapter 2 and 3 scripts."""
from common.text import preprocess

TEXT = "You say goodbye and I say hello."


def load():
    """(corpus, word_to_id, id_to_word) of 'You say goodbye and I say hello.'"""
    return preprocess(TEXT)
