"""Images of digits for rows-as-sequence classifiers: scikit-learn's bundled 8 x 8 digits
(1,797 images, no download) or MNIST's 28 x 28 IDX files when you have them (``dataset.mnist``).
"""
import numpy


def load_digits(test_ratio=0.2, seed=0):
    """((x_train, y_train), (x_test, y_test)): x (N, 8, 8) float32 in [0, 1], y (N,) int64 labels 0-9.

    The test part is a seeded random ``test_ratio`` of the images.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    data = sklearn_digits()
    x = (data.images / 16.0).astype(numpy.float32)
    y = data.target.astype(numpy.int64)
    order = numpy.random.default_rng(seed).permutation(len(x))
    split = len(x) - int(len(x) * test_ratio)
    train, test = order[:split], order[split:]
    return (x[train], y[train]), (x[test], y[test])
