"""Sentence and document polarity sets with seeded train/test splits.

* ``rt_polarity``: 10,662 Rotten Tomatoes snippets (Pang & Lee 2005), 5,331 per class.
* ``movie_reviews``: 2,000 full reviews (Pang & Lee 2004; NLTK's corpus), read from the zip.
Both return ((train_texts, train_labels), (test_texts, test_labels)), label 1 = positive.
"""
import zipfile

import numpy

from dataset.files import data_path, read_text


def _split(texts, labels, test_ratio, seed):
    order = numpy.random.RandomState(seed).permutation(len(texts))
    n_test = int(round(len(texts) * test_ratio))
    test, train = order[:n_test], order[n_test:]
    pick = lambda idx: ([texts[i] for i in idx], [labels[i] for i in idx])
    return pick(train), pick(test)


def rt_polarity(test_ratio=0.1, seed=0):
    """Pang & Lee sentence polarity: ((train texts, labels), (test texts, labels)), split with ``seed``."""
    pos = read_text("rt-polarity/rt-polarity.pos").splitlines()
    neg = read_text("rt-polarity/rt-polarity.neg").splitlines()
    texts = [t.strip() for t in pos + neg]
    labels = [1] * len(pos) + [0] * len(neg)
    return _split(texts, labels, test_ratio, seed)


def movie_reviews(test_ratio=0.2, seed=0):
    """Pang & Lee movie reviews (NLTK's corpus): ((train texts, labels), (test texts, labels))."""
    texts, labels = [], []
    with zipfile.ZipFile(data_path("movie_reviews/movie_reviews.zip")) as z:
        for name in sorted(z.namelist()):
            parts = name.split("/")
            if len(parts) == 3 and parts[1] in ("pos", "neg") and name.endswith(".txt"):
                texts.append(z.read(name).decode("utf-8").replace("\n", " ").strip())
                labels.append(1 if parts[1] == "pos" else 0)
    return _split(texts, labels, test_ratio, seed)
