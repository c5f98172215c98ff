"""The one place where the array module is chosen.

Every other module does ``from common.np import np`` and never imports CuPy.
NumPy is the default; CuPy is used when ``common.config.GPU`` is true (set by
the ``SCRATCHNLP_GPU`` environment variable). If CuPy is requested but cannot be
imported, we fall back to NumPy with one clear warning.
"""
import warnings

import numpy

from common import config

GPU = False
np = numpy

if config.GPU:
    try:
        import cupy  # the only cupy import in the project

        np = cupy
        GPU = True
    except ImportError as exc:  # pragma: no cover - depends on the machine
        warnings.warn(
            "SCRATCHNLP_GPU is set but CuPy could not be imported (%s); "
            "falling back to NumPy. Install cupy-cuda13x (or the build matching "
            "your CUDA) to use the GPU." % exc,
            RuntimeWarning,
            stacklevel=2,
        )

_rng = numpy.random.default_rng()


def seed(value):
    """Seed every random source the library uses (NumPy, and CuPy when active)."""
    global _rng
    numpy.random.seed(value)
    _rng = numpy.random.default_rng(value)
    if GPU:
        np.random.seed(value)


def rand(shape, dtype="f"):
    """Uniform [0, 1) samples of ``shape`` on the active device."""
    if GPU:
        return np.random.random(shape, dtype=dtype)
    return _rng.random(shape, dtype=numpy.dtype(dtype))


def to_cpu(x):
    """Return ``x`` as a NumPy array (no copy when it already is one)."""
    if isinstance(x, numpy.ndarray):
        return x
    return np.asnumpy(x) if GPU else numpy.asarray(x)


def to_gpu(x):
    """Return ``x`` on the active device (a no-op on the NumPy backend)."""
    return np.asarray(x)


def scatter_add(target, indices, values):
    """``target[indices] += values`` with repeated indices accumulated (CuPy >= 13 has add.at too)."""
    np.add.at(target, indices, values)


def sum_rows_by_id(ids, values):
    """Coalesce duplicate ids: returns (unique_ids (K,), summed_values (K, D))."""
    if GPU:
        unique, inverse = np.unique(ids, return_inverse=True)
        summed = np.zeros((unique.shape[0], values.shape[1]), dtype=values.dtype)
        scatter_add(summed, inverse.ravel(), values)
        return unique, summed
    order = numpy.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    is_first = numpy.empty(sorted_ids.shape[0], dtype=bool)
    is_first[:1] = True
    numpy.not_equal(sorted_ids[1:], sorted_ids[:-1], out=is_first[1:])
    starts = numpy.flatnonzero(is_first)
    return sorted_ids[starts], numpy.add.reduceat(values[order], starts, axis=0)
