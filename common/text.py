"""Count-based word vectors and word-vector queries (book chapters 2-4).

corpus: 1-D int array of word ids; C: (V, V) co-occurrence counts;
word_matrix: (V, D) one vector per word id.
"""
import re

import numpy


class UnknownWordError(KeyError):
    """A query word is not in the vocabulary."""

    def __init__(self, word):
        super().__init__(word)
        self.word = word

    def __str__(self):
        return "%r is not in the vocabulary" % self.word


def word_id(word, word_to_id):
    try:
        return word_to_id[word]
    except KeyError:
        raise UnknownWordError(word) from None


def preprocess(text):
    """Lower-case, split off '.', assign ids by first occurrence.

    'You say goodbye and I say hello.' -> corpus [0 1 2 3 4 1 5 6].
    Returns (corpus, word_to_id, id_to_word).
    """
    words = text.lower().replace(".", " .").split()
    word_to_id, id_to_word = {}, {}
    for w in words:
        if w not in word_to_id:
            id_to_word[len(word_to_id)] = w
            word_to_id[w] = len(word_to_id)
    corpus = numpy.array([word_to_id[w] for w in words], dtype=numpy.int32)
    return corpus, word_to_id, id_to_word


def tokenize(text):
    """A slightly smarter word splitter: words and punctuation marks as tokens."""
    return re.findall(r"[\w'-]+|[^\w\s]", text.lower())


def create_co_matrix(corpus, vocab_size, window_size=1):
    """Symmetric co-occurrence counts within ``window_size`` (V, V) int32, vectorised."""
    corpus = numpy.asarray(corpus)
    C = numpy.zeros((vocab_size, vocab_size), dtype=numpy.int32)
    for d in range(1, window_size + 1):
        left, right = corpus[:-d], corpus[d:]
        numpy.add.at(C, (left, right), 1)
        numpy.add.at(C, (right, left), 1)
    return C


def cos_similarity(x, y, eps=1e-8):
    return numpy.dot(normalize(x, eps), normalize(y, eps))


def ppmi(C, eps=1e-8, block_rows=1024):
    """Positive PMI of a co-occurrence matrix: max(0, log2(C_ij N / (S_i S_j) + eps)).

    Vectorised, computed in float32 blocks of rows so a 10k x 10k matrix needs
    no float64 copies. S_i are the row sums (= column sums: C is symmetric).
    """
    C = numpy.asarray(C)
    N = float(C.sum())
    S = C.sum(axis=0).astype(numpy.float64)
    M = numpy.empty(C.shape, dtype=numpy.float32)
    for a in range(0, C.shape[0], block_rows):
        block = C[a:a + block_rows].astype(numpy.float64)
        with numpy.errstate(divide="ignore", invalid="ignore"):
            pmi = numpy.log2(block * N / numpy.outer(S[a:a + block_rows], S) + eps)
        pmi[~numpy.isfinite(pmi)] = 0
        M[a:a + block_rows] = numpy.maximum(pmi, 0)
    return M


def normalize(x, eps=1e-8):
    """L2-normalise a vector or the rows of a matrix; returns a new array.

    Float input keeps its dtype; integer counts become float64.
    """
    x = numpy.asarray(x)
    if not numpy.issubdtype(x.dtype, numpy.floating):
        x = x.astype(numpy.float64)
    return x / (numpy.sqrt((x ** 2).sum(axis=-1, keepdims=True)) + eps)


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


def analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5, method="book", verbose=True):
    """a:b = c:? ; returns the ``top`` answers as [(word, score), ...] (see ``analogy_scores``)."""
    ids = [numpy.array([word_id(w, word_to_id)]) for w in (a, b, c)]
    scores = analogy_scores(word_matrix, *ids, method=method)[0]
    best = numpy.argsort(-scores, kind="stable")[:top]
    result = [(id_to_word[int(i)], float(scores[i])) for i in best]
    if verbose:
        print("\n[analogy] %s:%s = %s:?" % (a, b, c))
        for w, s in result:
            print(" %s: %.4f" % (w, s))
    return result


def create_contexts_target(corpus, window_size=1):
    """contexts (N, 2w) and target (N,) for every position with a full window."""
    corpus = numpy.asarray(corpus)
    n = len(corpus) - 2 * window_size
    if n <= 0:
        raise ValueError("corpus of %d ids is too short for window %d" % (len(corpus), window_size))
    offsets = [o for o in range(-window_size, window_size + 1) if o != 0]
    target = corpus[window_size:window_size + n]
    contexts = numpy.stack([corpus[window_size + o:window_size + o + n] for o in offsets], axis=1)
    return contexts, target


def subsample(corpus, threshold=1e-3, rng=None):
    """word2vec's frequent-word subsampling: keep each token of frequency f with
    probability (sqrt(f / t) + 1) t / f, so very common words are thinned out."""
    corpus = numpy.asarray(corpus)
    rng = rng or numpy.random.default_rng()
    freq = numpy.bincount(corpus) / len(corpus)
    f = freq[corpus]
    keep = (numpy.sqrt(f / threshold) + 1) * threshold / f
    return corpus[rng.random(len(corpus)) < keep]


def convert_one_hot(corpus, vocab_size):
    """ids of shape S -> one-hot int32 of shape (*S, V)."""
    corpus = numpy.asarray(corpus)
    return numpy.eye(vocab_size, dtype=numpy.int32)[corpus]
