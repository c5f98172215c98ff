"""Count-based word vectors on PTB (book 2.4.5): window-2 co-occurrence, PPMI,
randomized SVD to 100 dimensions (scikit-learn), nearest words for a few queries.

    python -m ch02.count_method_big --queries you year car toyota
"""
import argparse
import os
import time

from common.cli import add_common_args, setup_run, write_result
from common.text import create_co_matrix, most_similar, ppmi
from common.vectors_io import save_word_vectors
from dataset import ptb


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--window", type=int, default=2)
    p.add_argument("--dims", type=int, default=100)
    p.add_argument("--queries", nargs="+", default=["you", "year", "car", "toyota"])
    add_common_args(p, os.path.join("runs", "ch02"))
    args = p.parse_args(argv)
    out_dir = setup_run(args)
    from sklearn.utils.extmath import randomized_svd

    corpus, word_to_id, id_to_word = ptb.load_data("train")
    start = time.time()
    C = create_co_matrix(corpus, len(word_to_id), args.window)
    W = ppmi(C)
    U, S, V = randomized_svd(W, n_components=args.dims, n_iter=5, random_state=args.seed)
    print("co-occurrence + PPMI + SVD in %.0f s" % (time.time() - start))
    results = {q: most_similar(q, word_to_id, id_to_word, U, top=5) for q in args.queries}
    save_word_vectors(os.path.join(out_dir, "ppmi_svd_vectors.npz"), U, id_to_word)
    write_result(out_dir, "count_method_big", {"args": vars(args), "neighbours": results})
    return results


if __name__ == "__main__":
    main()
