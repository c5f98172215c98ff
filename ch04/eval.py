"""Query saved word vectors: nearest words, analogies and Google analogy accuracy.

    python -m ch04.eval runs/word2vec/cbow_vectors.npz --query toyota --analogy king man queen
"""
from ch04.train import show_queries
from common.cli import main_guard, parser
from common.text import analogy, analogy_accuracy, format_report, load_word_vectors, most_similar
from dataset import analogy as analogy_set


def main(argv=None):
    p = parser("ch04.eval", __doc__)
    p.add_argument("vectors", help="word vectors (.npz) written by ch04.train or ch02.count_method_big")
    p.add_argument("--query", nargs="*", default=[], help="words whose nearest neighbours to print")
    p.add_argument("--analogy", nargs=3, metavar=("A", "B", "C"), action="append", default=[],
                   help="print the best D for A : B = C : D (repeatable)")
    p.add_argument("--google", action="store_true", help="report accuracy on the Google analogy set")
    args = p.parse_args(argv)
    vecs, w2i, i2w = load_word_vectors(args.vectors)
    if not args.query and not args.analogy:
        show_queries(vecs, w2i, i2w)
    for q in args.query:
        most_similar(q, w2i, i2w, vecs)
    for a, b, c in args.analogy:
        analogy(a, b, c, w2i, i2w, vecs)
    if args.google and not args.dry_run:
        print(format_report(analogy_accuracy(vecs, w2i, analogy_set.load_questions())))


if __name__ == "__main__":
    main_guard(main)
