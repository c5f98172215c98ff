"""Text: tokens, the one Vocabulary, co-occurrence and PPMI, word-vector queries and files,
and document vectors (TF-IDF, BM25). Everything is importable from ``common.text``.

    vocabulary.py    Vocabulary, UnknownWordError, word_id
    tokenize.py      preprocess (the book's), tokenize
    cooccurrence.py  create_co_matrix, cooccurrence_pairs, ppmi, create_contexts_target, subsample, convert_one_hot
    word_vectors.py  normalize, cos_similarity, most_similar, analogy, analogy_accuracy, vector files
    documents.py     term_document_matrix, tfidf, BM25
"""
from common.text.cooccurrence import (convert_one_hot, cooccurrence_pairs, create_co_matrix, create_contexts_target,
                                      dynamic_window, ppmi, subsample)
from common.text.documents import BM25, cosine_similarity_matrix, idf, term_document_matrix, tfidf
from common.text.tokenize import preprocess, tokenize
from common.text.vocabulary import UnknownWordError, Vocabulary, word_id
from common.text.word_vectors import (analogy, analogy_accuracy, analogy_scores, cos_similarity, format_report,
                                      load_word_vectors, most_similar, normalize, save_word_vectors)

__all__ = ["BM25", "UnknownWordError", "Vocabulary", "analogy", "analogy_accuracy", "analogy_scores",
           "convert_one_hot", "cooccurrence_pairs", "cos_similarity", "cosine_similarity_matrix", "create_co_matrix",
           "create_contexts_target", "dynamic_window", "format_report", "idf", "load_word_vectors", "most_similar", "normalize",
           "ppmi", "preprocess", "save_word_vectors", "subsample", "term_document_matrix", "tfidf", "tokenize",
           "word_id"]
