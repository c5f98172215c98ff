"""Input validation shared by layers: clear errors instead of silent wrong answers."""
import os
import zipfile

import numpy

from common.np import np


class InputError(ValueError):
    """Something the user gave (a file, a value) is unusable; the message says what and why, in one line."""


def read_npz(path, what, error=InputError):
    """Every array of the .npz file ``path`` (no pickles), or one ``error`` naming the file.

    ``what`` names what the file should be ("checkpoint", "word-vector file") for the message.
    A missing file raises FileNotFoundError.
    """
    if not os.path.exists(path):
        raise FileNotFoundError("%s not found: %s" % (what, path))
    try:
        data = numpy.load(path, allow_pickle=False)
    except ValueError:           # NumPy's words for "not .npy/.npz" mention pickles; ours do not
        raise error("%s is not a %s: it is not an .npz archive (a text file, or a different format)"
                    % (path, what)) from None
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise error("%s is not a %s: it is truncated or damaged (%s)" % (path, what, exc)) from None
    if not isinstance(data, numpy.lib.npyio.NpzFile):
        raise error("%s is not a %s: it is a single .npy array, not an .npz archive" % (path, what))
    try:
        with data:
            return {k: data[k] for k in data.files}
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, KeyError) as exc:
        raise error("%s is not a %s: it is truncated or damaged (%s)" % (path, what, exc)) from None


def check_ids(ids, vocab_size, name="ids", missing_ok=False):
    """Raise if ``ids`` is not an integer array with values in [0, vocab_size) (or -1, "no id",
    where ``missing_ok``)."""
    kind = getattr(getattr(ids, "dtype", None), "kind", None)
    if kind not in ("i", "u"):
        raise TypeError("%s must be an integer array, got %s" % (name, getattr(ids, "dtype", type(ids))))
    low = -1 if missing_ok and kind == "i" else 0
    shifted = ids - low if low else ids                           # -1 -> 0: the range starts at 0
    # seen as unsigned, a negative id becomes huge: one max() checks both ends
    unsigned = shifted.view(shifted.dtype.str.replace("i", "u")) if kind == "i" else shifted
    if ids.size and int(unsigned.max()) >= vocab_size - low:
        raise IndexError("%s out of range: values must lie in [%d, %d), got min %d max %d"
                         % (name, low, vocab_size, int(ids.min()), int(ids.max())))


def check_float(x, name="x"):
    """Raise TypeError unless ``x`` is a floating-point array."""
    if not hasattr(x, "dtype") or not numpy.issubdtype(x.dtype, np.floating):
        raise TypeError("%s must be a floating-point array, got %s" % (name, getattr(x, "dtype", type(x))))


def check_last_dim(x, expected, name="x"):
    """Raise unless ``x`` is a float array whose last axis has ``expected`` entries."""
    check_float(x, name)
    if x.shape[-1] != expected:
        raise ValueError("%s has last dimension %d, expected %d (shape %s)"
                         % (name, x.shape[-1], expected, tuple(x.shape)))


def as_float_input(x, expected, dtype, name="x"):
    """``x`` as a float array whose last axis has ``expected`` entries.

    Integer and boolean arrays (the book's one-hot rows from ``convert_one_hot`` are int32)
    and nested lists of numbers are converted to ``dtype``, the weights' dtype; a float array
    is returned as it is. Anything else (strings, objects, complex numbers) is a TypeError.
    """
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
        if x.dtype.kind in "biuf":
            x = np.asarray(x, dtype=dtype)
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    if kind in ("b", "i", "u"):
        x = x.astype(dtype)
    elif kind != "f":
        raise TypeError("%s must be an array of numbers (float, or integer one-hot rows), got %s"
                        % (name, getattr(x, "dtype", type(x))))
    check_last_dim(x, expected, name)
    return x


def check_ndim(x, ndim, what, name="x"):
    """Raise ValueError unless ``x`` has ``ndim`` axes; ``what`` spells the expected shape."""
    if x.ndim != ndim:
        raise ValueError("%s must be %s (%d-D), got shape %s" % (name, what, ndim, tuple(x.shape)))


def check_shape(x, expected, what, name="x"):
    """``x.shape`` must match ``expected`` (None matches any size) and have no empty axis.

    ``what`` spells the shape for the message, e.g. "(N, T, H)".
    """
    check_ndim(x, len(expected), what, name)
    if 0 in x.shape:
        raise ValueError("%s must be %s with no empty axis, got shape %s" % (name, what, tuple(x.shape)))
    if any(want is not None and size != want for size, want in zip(x.shape, expected)):
        spelled = "(%s)" % ", ".join("?" if want is None else str(want) for want in expected)
        raise ValueError("%s must be %s = %s, got shape %s" % (name, what, spelled, tuple(x.shape)))
