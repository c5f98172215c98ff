"""Plain-text corpora for character-level models (tinyshakespeare)."""
import numpy

from dataset.files import read_text

CORPORA = {"tinyshakespeare": "tinyshakespeare/input.txt"}


def load_text(name="tinyshakespeare"):
    if name not in CORPORA:
        raise ValueError("unknown corpus %r; known: %s" % (name, ", ".join(CORPORA)))
    return read_text(CORPORA[name])


def char_vocab(text):
    """(char_to_id, id_to_char), ids in sorted character order."""
    chars = sorted(set(text))
    return {c: i for i, c in enumerate(chars)}, dict(enumerate(chars))


def load_chars(name="tinyshakespeare", valid_ratio=0.1):
    """(train_ids, valid_ids, char_to_id, id_to_char); the validation part is the text's tail."""
    text = load_text(name)
    char_to_id, id_to_char = char_vocab(text)
    ids = numpy.array([char_to_id[c] for c in text], dtype=numpy.int32)
    split = len(ids) - int(len(ids) * valid_ratio)
    return ids[:split], ids[split:], char_to_id, id_to_char
