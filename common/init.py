"""Weight initialisers (float32 by default, as in the book)."""
import numpy

from common.np import np, to_gpu


def randn(*shape, scale=1.0, rng=None, dtype="f"):
    rng = rng or numpy.random
    return to_gpu((rng.standard_normal(shape) * scale).astype(dtype))


def xavier(n_in, n_out, rng=None, dtype="f"):
    """The book's simplified Xavier: randn(n_in, n_out) / sqrt(n_in)."""
    return randn(n_in, n_out, scale=1.0 / numpy.sqrt(n_in), rng=rng, dtype=dtype)


def zeros(*shape, dtype="f"):
    return np.zeros(shape, dtype=dtype)
