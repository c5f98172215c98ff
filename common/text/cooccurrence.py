"""Counting words in context: co-occurrence, PPMI, (contexts, target) pairs, subsampling
(book chapters 2-4). corpus: 1-D int array of word ids; C: (V, V) co-occurrence counts.
"""
import numpy


def create_co_matrix(corpus, vocab_size, window_size=1):
    """Symmetric co-occurrence counts within ``window_size`` (V, V) int32, vectorised."""
    corpus = numpy.asarray(corpus)
    C = numpy.zeros((vocab_size, vocab_size), dtype=numpy.int32)
    for d in range(1, window_size + 1):
        left, right = corpus[:-d], corpus[d:]
        numpy.add.at(C, (left, right), 1)
        numpy.add.at(C, (right, left), 1)
    return C


def ppmi(C, verbose=False, eps=1e-8, block_rows=1024):
    """Positive PMI of a co-occurrence matrix: max(0, log2(C_ij N / (S_i S_j) + eps)).

    Vectorised, computed in float32 blocks of rows so a 10k x 10k matrix needs
    no float64 copies. S_i are the row sums (= column sums: C is symmetric).
    ``verbose`` prints the share done after every block, as the book's ``ppmi(C, verbose=True)`` does.
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
        if verbose:
            print("%.1f%% done" % (100.0 * min(a + block_rows, C.shape[0]) / C.shape[0]), flush=True)
    return M


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


def dynamic_window(contexts, window_size, rng):
    """word2vec's dynamic window: every row keeps only the contexts within a distance b drawn
    uniformly from 1..window_size; the others become -1.

    contexts (N, 2w) as ``create_contexts_target`` makes them (offsets -w..-1, 1..w).
    """
    contexts = numpy.array(contexts)
    offsets = numpy.abs(numpy.r_[numpy.arange(-window_size, 0), numpy.arange(1, window_size + 1)])
    reach = rng.integers(1, window_size + 1, len(contexts))
    contexts[offsets[None, :] > reach[:, None]] = -1
    return contexts


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


def cooccurrence_pairs(corpus, vocab_size, window_size=10, weighting="harmonic"):
    """Sparse symmetric co-occurrence counts within ``window_size``: (rows (K,), cols (K,), counts (K,)).

    weighting 'harmonic' adds 1/d for a pair d words apart (GloVe's counts); 'uniform' adds 1.
    Only the K non-zero entries are kept, sorted by (row, col).
    """
    corpus = numpy.asarray(corpus, dtype=numpy.int64)
    if weighting not in ("harmonic", "uniform"):
        raise ValueError("weighting must be 'harmonic' or 'uniform', got %r" % weighting)
    keys, weights = [], []
    for d in range(1, window_size + 1):
        left, right = corpus[:-d], corpus[d:]
        w = 1.0 / d if weighting == "harmonic" else 1.0
        keys += [left * vocab_size + right, right * vocab_size + left]
        weights.append(numpy.full(2 * len(left), w))
    unique, inverse = numpy.unique(numpy.concatenate(keys), return_inverse=True)
    counts = numpy.bincount(inverse, weights=numpy.concatenate(weights))
    return unique // vocab_size, unique % vocab_size, counts
