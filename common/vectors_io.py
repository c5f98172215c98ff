"""Saving and loading word vectors with their vocabulary as one ``.npz`` file."""
import numpy


def save_word_vectors(path, word_vecs, id_to_word, half=True):
    words = numpy.array([id_to_word[i] for i in range(len(id_to_word))])
    vecs = numpy.asarray(word_vecs)
    numpy.savez(path, word_vecs=vecs.astype(numpy.float16) if half else vecs, words=words)
    return path


def load_word_vectors(path):
    """Returns (word_vecs float32 (V, D), word_to_id, id_to_word)."""
    with numpy.load(path, allow_pickle=False) as data:
        vecs = data["word_vecs"].astype(numpy.float32)
        words = [str(w) for w in data["words"]]
    return vecs, {w: i for i, w in enumerate(words)}, dict(enumerate(words))
