"""Count-based word vectors on the toy corpus (book 2.3-2.4): co-occurrence, cosine
similarity, most_similar, PPMI and SVD, with a 2-D plot of the SVD vectors.

    python -m ch02.count_method_small --plot runs/ch02/toy_svd.png
"""
import numpy

from ch02.toy import load
from common.cli import main_guard, parser
from common.plot import new_figure, save_figure
from common.text import cos_similarity, create_co_matrix, most_similar, ppmi


def main(argv=None):
    p = parser("ch02.count_method_small", __doc__)
    p.add_argument("--plot", default="runs/ch02/toy_svd.png", help="image file to write")
    args = p.parse_args(argv)
    corpus, word_to_id, id_to_word = load()
    C = create_co_matrix(corpus, len(word_to_id), window_size=1)
    print("cos(you, i) =", repr(float(cos_similarity(C[word_to_id["you"]], C[word_to_id["i"]]))))
    most_similar("you", word_to_id, id_to_word, C, top=5)
    W = ppmi(C)
    numpy.set_printoptions(precision=3)
    print("\nco-occurrence matrix\n", C)
    print("-" * 50)
    print("PPMI\n", W)
    U, S, V = numpy.linalg.svd(W)
    print("\nsingular values", S)
    fig, ax = new_figure(figsize=(5, 4))
    for word, i in word_to_id.items():
        ax.annotate(word, (U[i, 0], U[i, 1]))
    ax.scatter(U[:, 0], U[:, 1], alpha=0.5)
    if not args.dry_run:
        save_figure(fig, args.plot)
    return C, W


if __name__ == "__main__":
    main_guard(main)
