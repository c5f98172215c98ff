"""Input validation shared by layers: clear errors instead of silent wrong answers."""
import numpy

from common.np import np


def check_ids(ids, vocab_size, name="ids"):
    """Raise if ``ids`` is not an integer array with values in [0, vocab_size)."""
    kind = getattr(getattr(ids, "dtype", None), "kind", None)
    if kind not in ("i", "u"):
        raise TypeError("%s must be an integer array, got %s" % (name, getattr(ids, "dtype", type(ids))))
    # seen as unsigned, a negative id becomes huge: one max() checks both ends
    unsigned = ids.view(ids.dtype.str.replace("i", "u")) if kind == "i" else ids
    if ids.size and int(unsigned.max()) >= vocab_size:
        raise IndexError("%s out of range: values must lie in [0, %d), got min %d max %d"
                         % (name, vocab_size, int(ids.min()), int(ids.max())))


def check_float(x, name="x"):
    if not hasattr(x, "dtype") or not numpy.issubdtype(x.dtype, np.floating):
        raise TypeError("%s must be a floating-point array, got %s" % (name, getattr(x, "dtype", type(x))))


def check_last_dim(x, expected, name="x"):
    check_float(x, name)
    if x.shape[-1] != expected:
        raise ValueError("%s has last dimension %d, expected %d (shape %s)"
                         % (name, x.shape[-1], expected, tuple(x.shape)))


def check_ndim(x, ndim, what, name="x"):
    if x.ndim != ndim:
        raise ValueError("%s must be %s (%d-D), got shape %s" % (name, what, ndim, tuple(x.shape)))
