"""TF-IDF and BM25 against values computed by hand on a three-document corpus."""
import math

import numpy
import pytest

from common.text import BM25, cosine_similarity_matrix, idf, term_document_matrix, tfidf

DOCS = [["the", "cat", "sat"], ["the", "dog", "sat", "sat"], ["a", "cat", "and", "a", "dog"]]


def test_term_document_counts():
    X, vocab = term_document_matrix(DOCS)
    assert X.shape == (3, 6)
    assert X[1, vocab["sat"]] == 2 and X[2, vocab["a"]] == 2 and X[0, vocab["dog"]] == 0


def test_idf_by_hand():
    X, vocab = term_document_matrix(DOCS)
    raw = idf(X, smooth=False)
    assert raw[vocab["the"]] == pytest.approx(math.log(3 / 2))
    assert raw[vocab["and"]] == pytest.approx(math.log(3 / 1))
    smooth = idf(X)
    assert smooth[vocab["cat"]] == pytest.approx(math.log(4 / 3) + 1)


def test_tfidf_by_hand():
    X, vocab = term_document_matrix(DOCS)
    W = tfidf(X, smooth=False, normalize_rows=False)
    assert W[1, vocab["sat"]] == pytest.approx(2 * math.log(3 / 2))
    assert W[0, vocab["cat"]] == pytest.approx(math.log(3 / 2))
    Wn = tfidf(X)
    numpy.testing.assert_allclose(numpy.linalg.norm(Wn, axis=1), 1.0)


def test_cosine_similarity():
    S = cosine_similarity_matrix(numpy.array([[1.0, 0.0], [1.0, 1.0]]))
    numpy.testing.assert_allclose(S, [[1, 1 / math.sqrt(2)], [1 / math.sqrt(2), 1]])


def test_bm25_by_hand():
    bm = BM25(DOCS, k1=1.5, b=0.75)
    avgdl = 12 / 3
    idf_sat = math.log((3 - 2 + 0.5) / (2 + 0.5) + 1)
    denom = 2 + 1.5 * (1 - 0.75 + 0.75 * 4 / avgdl)
    expected_doc1 = idf_sat * 2 * 2.5 / denom
    assert bm.scores(["sat"])[1] == pytest.approx(expected_doc1)
    idf_sat_doc0 = idf_sat * 1 * 2.5 / (1 + 1.5 * (1 - 0.75 + 0.75 * 3 / avgdl))
    assert bm.scores(["sat"])[0] == pytest.approx(idf_sat_doc0)
    assert bm.scores(["sat"])[2] == 0
    assert bm.rank(["dog", "sat"])[0][0] == 1
    assert bm.scores(["unicorn"]).sum() == 0
