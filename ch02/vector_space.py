"""Document similarity with TF-IDF and BM25 (vector space model).

    python -m ch02.vector_space --query "king queen" --docs 200
"""
import numpy

from common.cli import main_guard, parser, positive_int
from common.text import BM25, cosine_similarity_matrix, term_document_matrix, tfidf, tokenize
from dataset.text_corpus import load_text


def main(argv=None):
    p = parser("ch02.vector_space", __doc__)
    p.add_argument("--query", default="king crown", help="words to search for")
    p.add_argument("--docs", type=positive_int, default=300, help="split tinyshakespeare into this many documents")
    p.add_argument("--top", type=positive_int, default=3, help="documents to list")
    args = p.parse_args(argv)
    if args.dry_run:
        args.docs = min(args.docs, 20)
    paragraphs = [s for s in load_text().split("\n\n") if s.strip()]
    size = max(1, len(paragraphs) // args.docs)
    docs_text = ["\n".join(paragraphs[i:i + size]) for i in range(0, len(paragraphs), size)][:args.docs]
    docs = [tokenize(d) for d in docs_text]
    query = tokenize(args.query)
    X, vocab = term_document_matrix(docs)
    W = tfidf(X)
    q_vec = tfidf(numpy.vstack([X, term_document_matrix([query], vocab)[0]]))[-1:]
    by_tfidf = numpy.argsort(-cosine_similarity_matrix(q_vec, W)[0], kind="stable")[:args.top]
    by_bm25 = BM25(docs).rank(query, args.top)
    print("query:", query)
    print("TF-IDF cosine:", [int(i) for i in by_tfidf])
    print("BM25:", by_bm25)
    for i, score in by_bm25[:1]:
        print("\nbest BM25 document (%d, score %.2f):\n%s" % (i, score, docs_text[i][:400]))
    return by_tfidf, by_bm25


if __name__ == "__main__":
    main_guard(main)
