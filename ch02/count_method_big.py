"""Count-based word vectors on PTB (book 2.4.5): window-2 co-occurrence, PPMI,
randomized SVD to 100 dimensions (scikit-learn), nearest words for a few queries.

    python -m ch02.count_method_big --queries you year car toyota
"""
import os
import time

from common.cli import main_guard, parser, positive_int
from common.text import create_co_matrix, most_similar, ppmi, save_word_vectors
from dataset import ptb

DRY_RUN_TOKENS = 20000


def main(argv=None):
    p = parser("ch02.count_method_big", __doc__)
    p.add_argument("--window-size", type=positive_int, default=2, help="context words on each side")
    p.add_argument("--dims", type=positive_int, default=100, help="dimensions kept by the SVD")
    p.add_argument("--queries", nargs="+", default=["you", "year", "car", "toyota"], help="words to look up")
    p.add_argument("--seed", type=int, default=1, help="seed of the randomized SVD")
    p.add_argument("--out-dir", default="runs/ch02", help="where ppmi_svd_vectors.npz is written")
    args = p.parse_args(argv)
    from sklearn.utils.extmath import randomized_svd

    corpus, word_to_id, id_to_word = ptb.load_data("train")
    if args.dry_run:
        corpus = corpus[:DRY_RUN_TOKENS]
    start = time.time()
    C = create_co_matrix(corpus, len(word_to_id), args.window_size)
    W = ppmi(C)
    U, S, V = randomized_svd(W, n_components=args.dims, n_iter=5, random_state=args.seed)
    print("co-occurrence + PPMI + SVD in %.0f s" % (time.time() - start))
    results = {q: most_similar(q, word_to_id, id_to_word, U, top=5) for q in args.queries}
    if not args.dry_run:
        path = save_word_vectors(os.path.join(args.out_dir, "ppmi_svd_vectors.npz"), U, id_to_word)
        print("saved %s" % path)
    return results


if __name__ == "__main__":
    main_guard(main)
