"""2-D maps of word vectors with PCA and t-SNE (scikit-learn), saved as images.

    python -m ch02.plot_word_vectors runs/word2vec/cbow_vectors.npz --words 300
"""
import os

import numpy

from common.cli import main_guard, non_negative_int, parser, positive_int
from common.plot import new_figure, save_figure
from common.text import load_word_vectors


def project(vectors, method, seed=0):
    """2-D coordinates (n, 2) of vectors (n, D) by PCA or t-SNE."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    if method == "pca":
        return PCA(n_components=2, random_state=seed).fit_transform(vectors)
    perplexity = min(30.0, max(2.0, (len(vectors) - 1) / 3))
    return TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=seed).fit_transform(vectors)


def plot(vectors, labels, method, path=None, seed=0):
    """A labelled 2-D map of word vectors; saved when ``path`` is given; returns the Figure."""
    xy = project(numpy.asarray(vectors, dtype=numpy.float64), method, seed)
    fig, ax = new_figure(figsize=(9, 9))
    ax.scatter(xy[:, 0], xy[:, 1], s=4, alpha=0.5)
    for (x, y), word in zip(xy, labels):
        ax.annotate(word, (x, y), fontsize=7)
    ax.set_title("%s of %d word vectors" % (method.upper(), len(labels)))
    if path:
        save_figure(fig, path)
    return fig


def main(argv=None):
    p = parser("ch02.plot_word_vectors", __doc__)
    p.add_argument("vectors", help=".npz of word vectors (ch04.train or ch02.count_method_big)")
    p.add_argument("--words", type=positive_int, default=300, help="plot the first N word ids")
    p.add_argument("--skip", type=non_negative_int, default=0, help="skip the first N ids")
    p.add_argument("--out-dir", default="runs/ch02", help="folder for the two images")
    args = p.parse_args(argv)
    vecs, _, id_to_word = load_word_vectors(args.vectors)
    ids = range(args.skip, min(args.skip + (20 if args.dry_run else args.words), len(vecs)))
    labels = [id_to_word[i] for i in ids]
    for method in ("pca", "tsne"):
        path = None if args.dry_run else os.path.join(args.out_dir, "word_vectors_%s.png" % method)
        plot(vecs[list(ids)], labels, method, path)


if __name__ == "__main__":
    main_guard(main)
