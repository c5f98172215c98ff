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
