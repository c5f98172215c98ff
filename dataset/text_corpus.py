"""Plain-text corpora for character-level models (tinyshakespeare)."""
from common.text import Vocabulary
from dataset.files import read_text

CORPORA = {"tinyshakespeare": "tinyshakespeare/input.txt"}


def load_text(name="tinyshakespeare"):
    """The whole text of a known corpus (downloaded or found as ``dataset.files`` says)."""
    if name not in CORPORA:
        raise ValueError("unknown corpus %r; known: %s" % (name, ", ".join(CORPORA)))
    return read_text(CORPORA[name])


def load_chars(name="tinyshakespeare", valid_ratio=0.1):
    """(train_ids, valid_ids, char_to_id, id_to_char); ids in sorted character order; the
    validation part is the text's tail."""
    text = load_text(name)
    vocab = Vocabulary(sorted(set(text)))
    char_to_id, id_to_char = vocab.word_to_id, vocab.id_to_word
    ids = vocab.encode(text)
    split = len(ids) - int(len(ids) * valid_ratio)
    return ids[:split], ids[split:], char_to_id, id_to_char
