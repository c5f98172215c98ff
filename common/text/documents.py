"""Documents as vectors: term-document counts, TF-IDF and BM25 ranking.

docs: a list of token lists; the term-document matrix X is (M documents, V terms).
"""
from collections import Counter

import numpy

from common.text.vocabulary import Vocabulary
from common.text.word_vectors import normalize


def term_document_matrix(docs, vocab=None):
    """Counts X[d, w] (M, V) and the vocabulary {term: column} (first-occurrence order)."""
    vocab = vocab or Vocabulary.from_tokens(docs).word_to_id
    X = numpy.zeros((len(docs), len(vocab)), dtype=numpy.float64)
    for d, doc in enumerate(docs):
        for t, n in Counter(doc).items():
            if t in vocab:
                X[d, vocab[t]] = n
    return X, vocab


def idf(X, smooth=True):
    """Inverse document frequency per term: log((1 + M) / (1 + df)) + 1 when smooth
    (scikit-learn's default), else log(M / df)."""
    M = X.shape[0]
    df = (X > 0).sum(axis=0)
    if smooth:
        return numpy.log((1 + M) / (1 + df)) + 1
    with numpy.errstate(divide="ignore"):
        return numpy.log(M / df)


def tfidf(X, smooth=True, normalize_rows=True):
    """TF-IDF weights (raw counts times idf), rows L2-normalised by default."""
    W = X * idf(X, smooth)
    return normalize(W) if normalize_rows else W


def cosine_similarity_matrix(A, B=None):
    """Cosine similarity between the rows of A and the rows of B (default A)."""
    return normalize(A) @ normalize(A if B is None else B).T


class BM25:
    """Okapi BM25 ranking of documents for a query.

    score(q, d) = sum_{t in q} idf(t) * n(t, d) (k1 + 1) / (n(t, d) + k1 (1 - b + b |d| / avgdl)),
    idf(t) = log((M - df + 0.5) / (df + 0.5) + 1)   (the non-negative Lucene form).
    """

    def __init__(self, docs, k1=1.5, b=0.75):
        self.X, self.vocab = term_document_matrix(docs)
        self.k1, self.b = k1, b
        M = self.X.shape[0]
        df = (self.X > 0).sum(axis=0)
        self.idf = numpy.log((M - df + 0.5) / (df + 0.5) + 1)
        self.doc_len = self.X.sum(axis=1)
        self.avgdl = self.doc_len.mean()

    def scores(self, query):
        """BM25 score of every document for a token list (unknown terms add nothing)."""
        cols = [self.vocab[t] for t in query if t in self.vocab]
        n = self.X[:, cols]
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl)
        return (self.idf[cols] * n * (self.k1 + 1) / (n + norm[:, None])).sum(axis=1)

    def rank(self, query, top=None):
        s = self.scores(query)
        order = numpy.argsort(-s, kind="stable")[:top]
        return [(int(i), float(s[i])) for i in order]
