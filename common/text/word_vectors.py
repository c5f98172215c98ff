"""Word vectors: similarity queries, analogies, analogy accuracy, and saving them with their words.

word_matrix: (V, D) one vector per word id. Vector files are one ``.npz`` holding
``word_vecs`` (V, D) and ``words`` (V,), written atomically.
"""
import os

import numpy

from common.atomic import atomic_open
from common.input_checks import InputError, read_npz
from common.text.vocabulary import word_id


def normalize(x, eps=1e-8):
    """L2-normalise a vector or the rows of a matrix; returns a new array.

    Float input keeps its dtype; integer counts become float64.
    """
    x = numpy.asarray(x)
    if not numpy.issubdtype(x.dtype, numpy.floating):
        x = x.astype(numpy.float64)
    return x / (numpy.sqrt((x ** 2).sum(axis=-1, keepdims=True)) + eps)


def cos_similarity(x, y, eps=1e-8):
    """Cosine similarity of two vectors x, y (D,)."""
    return numpy.dot(normalize(x, eps), normalize(y, eps))


def most_similar(query, word_to_id, id_to_word, word_matrix, top=5, verbose=True):
    """The ``top`` words closest to ``query`` by cosine: [(word, similarity), ...]."""
    qid = word_id(query, word_to_id)
    M = numpy.asarray(word_matrix)
    sims = normalize(M) @ normalize(M[qid])
    sims[qid] = -numpy.inf
    best = numpy.argsort(-sims, kind="stable")[:top]
    result = [(id_to_word[int(i)], float(sims[i])) for i in best]
    if verbose:
        print("\n[query] " + query)
        for w, s in result:
            print(" %s: %s" % (w, s))
    return result


def analogy_scores(word_matrix, a_ids, b_ids, c_ids, method="book"):
    """Scores (Q, V) of every word as the answer d of a:b = c:d for id arrays (Q,).

    'book': the query b - a + c is normalised, the word rows are not (the book's
    ``analogy``, which favours frequent words with long vectors); '3cosadd':
    both are normalised (Mikolov et al.; gensim's most_similar). a, b and c
    themselves score -inf.
    """
    W = numpy.asarray(word_matrix, dtype=numpy.float32)
    rows = normalize(W)
    base = W if method == "book" else rows
    query = normalize(base[b_ids] - base[a_ids] + base[c_ids])
    scores = query @ (W if method == "book" else rows).T
    if method not in ("book", "3cosadd"):
        raise ValueError("method must be 'book' or '3cosadd', got %r" % method)
    q = numpy.arange(len(a_ids))
    for col in (a_ids, b_ids, c_ids):
        scores[q, col] = -numpy.inf
    return scores


def analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5, answer=None, method="book", verbose=True):
    """a:b = c:? ; returns the ``top`` answers as [(word, score), ...] (see ``analogy_scores``).

    ``answer``, as in the book, also prints the score of that word.
    """
    ids = [numpy.array([word_id(w, word_to_id)]) for w in (a, b, c)]
    scores = analogy_scores(word_matrix, *ids, method=method)[0]
    best = numpy.argsort(-scores, kind="stable")[:top]
    result = [(id_to_word[int(i)], float(scores[i])) for i in best]
    if verbose:
        print("\n[analogy] %s:%s = %s:?" % (a, b, c))
        if answer is not None:
            print("==>%s:%s" % (answer, float(scores[word_id(answer, word_to_id)])))
        for w, s in result:
            print(" %s: %.4f" % (w, s))
    return result


def analogy_accuracy(word_vecs, word_to_id, sections, method="3cosadd", batch_size=512):
    """Accuracy of a:b = c:d questions whose four words are all in the vocabulary.

    word_vecs (V, D); sections {name: [(a, b, c, d), ...]}. The answer is the
    best-scoring word other than a, b, c (``common.text.analogy_scores``; the
    default '3cosadd' is the standard measure, as gensim reports it).
    Returns {name: (correct, asked, total)} plus a 'total' entry.
    """
    report = {}
    all_correct = all_asked = all_total = 0
    for name, questions in sections.items():
        known = [q for q in questions if all(w in word_to_id for w in q)]
        ids = numpy.array([[word_to_id[w] for w in q] for q in known], dtype=numpy.int64).reshape(-1, 4)
        correct = 0
        for s in range(0, len(ids), batch_size):
            a, b, c, d = ids[s:s + batch_size].T
            correct += int((analogy_scores(word_vecs, a, b, c, method).argmax(axis=1) == d).sum())
        report[name] = (correct, len(known), len(questions))
        all_correct, all_asked, all_total = all_correct + correct, all_asked + len(known), all_total + len(questions)
    report["total"] = (all_correct, all_asked, all_total)
    return report


def format_report(report):
    """The per-section table of an ``analogy_accuracy`` report, as text."""
    lines = ["%-30s %8s %8s %8s" % ("section", "correct", "asked", "acc")]
    for name, (correct, asked, total) in report.items():
        acc = 100.0 * correct / asked if asked else float("nan")
        lines.append("%-30s %8d %8d %7.2f%%" % (name, correct, asked, acc))
    return "\n".join(lines)


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
    arrays = read_npz(os.fspath(path), "word-vector file")
    if "word_vecs" not in arrays or "words" not in arrays:
        raise InputError("%s holds no word vectors (a model checkpoint? rebuild it with "
                         "common.checkpoint.load_model)" % path)
    vecs = arrays["word_vecs"].astype(numpy.float32)
    words = [str(w) for w in arrays["words"]]
    return vecs, {w: i for i, w in enumerate(words)}, dict(enumerate(words))
