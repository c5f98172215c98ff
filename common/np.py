"""The one place where the array module is chosen.

Every other module does ``from common.np import np`` and never imports CuPy.
NumPy is the default; CuPy is used when ``common.config.GPU`` is true (set by
the ``SCRATCHNLP_GPU`` environment variable). If CuPy is requested but cannot be
imported, or finds no usable CUDA device, we fall back to NumPy with one clear
warning (the program runs, on the CPU).
"""
import warnings

import numpy

from common import config

GPU = False
np = numpy


def _cupy_or_reason():
    """(cupy module, None) when CuPy imports and sees a CUDA device, else (None, why not)."""
    try:
        import cupy  # the only cupy import in the project
    except ImportError as exc:
        return None, ("CuPy could not be imported (%s). Install cupy-cuda13x (or the build matching "
                      "your CUDA) to use the GPU" % exc)
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:   # CUDARuntimeError, or a driver that is missing altogether
        return None, "CuPy is installed but finds no usable CUDA device (%s)" % exc
    if count < 1:
        return None, "CuPy is installed but this machine has no CUDA device"
    return cupy, None


if config.GPU:
    _cupy, _reason = _cupy_or_reason()
    if _cupy is not None:
        np = _cupy
        GPU = True
    else:
        warnings.warn("SCRATCHNLP_GPU is set but %s; falling back to NumPy on the CPU." % _reason,
                      RuntimeWarning, stacklevel=2)


def to_cpu(x):
    """Return ``x`` as a NumPy array (no copy when it already is one)."""
    if isinstance(x, numpy.ndarray):
        return x
    return np.asnumpy(x) if GPU else numpy.asarray(x)


def to_gpu(x):
    """Return ``x`` on the active device (a no-op on the NumPy backend)."""
    return np.asarray(x)
