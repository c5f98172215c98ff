"""Saving and loading word vectors with their vocabulary as one ``.npz`` file (written atomically)."""
import numpy

from common.atomic import atomic_open


def save_word_vectors(path, word_vecs, id_to_word, half=True):
    """word_vecs (V, D) and the V words; ``half`` stores float16 (half the size, ~3 digits)."""
    words = numpy.array([id_to_word[i] for i in range(len(id_to_word))])
    vecs = numpy.asarray(word_vecs)
    if len(words) != len(vecs):
        raise ValueError("%d word vectors but %d words" % (len(vecs), len(words)))
    with atomic_open(path, "wb") as f:
        numpy.savez(f, word_vecs=vecs.astype(numpy.float16) if half else vecs, words=words)
    return path


def load_word_vectors(path):
    """Returns (word_vecs float32 (V, D), word_to_id, id_to_word)."""
    with numpy.load(path, allow_pickle=False) as data:
        if "word_vecs" not in data.files:
            raise ValueError("%s holds no word vectors (a model checkpoint? rebuild it with "
                             "common.checkpoint.load_model)" % path)
        vecs = data["word_vecs"].astype(numpy.float32)
        words = [str(w) for w in data["words"]]
    return vecs, {w: i for i, w in enumerate(words)}, dict(enumerate(words))
