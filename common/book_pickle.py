"""The book's ``.pkl`` weight files: read without running code, write, convert to a checkpoint.

The book's ``BaseModel.save_params`` pickles the list of a model's parameters as float16
arrays (``Rnnlm.pkl``, ``BetterRnnlm.pkl``, ``AttentionSeq2seq.pkl``; its repository ships
trained ones), and chapter 4 pickles a dict of word vectors and vocabulary
(``cbow_params.pkl``). ``pickle.load`` would run whatever code a file names, so these files
are read with an unpickler that rebuilds only NumPy arrays of numbers and Python's plain
containers, strings and numbers; a pickle that names anything else is refused before any
of it runs.

``model.load_params('Rnnlm.pkl')`` and ``model.save_params()`` (``common.base_model``) go
through this module; ``python -m ch08.convert_book_weights Rnnlm.pkl`` turns such a file into
a ScratchNLP checkpoint that ``load_model`` and the chapter commands read.
"""
import os
import pickle

import numpy

from common.atomic import atomic_open
from common.input_checks import InputError
from common.np import to_cpu

PICKLE_MAGIC = b"\x80"          # every pickle of protocol 2 or later starts with the PROTO opcode
# the only globals a pickle of NumPy arrays needs (numpy._core is NumPy 2's name for numpy.core)
ALLOWED_GLOBALS = {
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
}
NUMBER_KINDS = "biuf"           # bool, signed and unsigned integers, floats
class BookPickleError(InputError):
    """A .pkl file is not one of the book's weight files, or asks for something not allowed."""


class _ArraysOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED_GLOBALS:
            raise BookPickleError("%s.%s" % (module, name))
        return super().find_class(module, name)


def is_pickle(path):
    """True when the file at ``path`` starts as a pickle does (the book's .pkl weights)."""
    with open(path, "rb") as f:
        return f.read(1) == PICKLE_MAGIC


def _check_numbers(value, path):
    if isinstance(value, numpy.ndarray):
        if value.dtype.kind not in NUMBER_KINDS:
            raise BookPickleError("%s holds an array of %s; only arrays of numbers are read" % (path, value.dtype))
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_numbers(v, path)
    elif isinstance(value, dict):
        for v in value.values():
            _check_numbers(v, path)


def read_book_pickle(path):
    """What a book .pkl file holds: a list of arrays (weights) or a dict (``cbow_params.pkl``).

    Only NumPy arrays of numbers, lists, tuples, dicts, strings and numbers are rebuilt;
    anything else raises ``BookPickleError`` naming the file and what it asked for, and no
    code from the file runs.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError("No file: %s" % path)
    with open(path, "rb") as f:
        try:
            value = _ArraysOnly(f).load()
        except BookPickleError as exc:
            raise BookPickleError("%s is refused: it is a pickle that asks for %s, and only NumPy arrays and "
                                  "lists of them are read from .pkl files (nothing in it was run)"
                                  % (path, exc)) from None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as exc:
            raise BookPickleError("%s is not a readable pickle of arrays (%s: %s)"
                                  % (path, type(exc).__name__, exc)) from None
    _check_numbers(value, path)
    return value


def read_book_params(path):
    """The list of parameter arrays in a file written by the book's ``save_params``."""
    value = read_book_pickle(path)
    if not (isinstance(value, list) and all(isinstance(a, numpy.ndarray) for a in value)):
        raise BookPickleError("%s holds a %s, not the list of parameter arrays the book's save_params writes"
                              % (path, type(value).__name__))
    return value


def load_book_params(params, path):
    """Copy the arrays of a book .pkl file into ``params`` (a model's list), in order, in place.

    The count and every shape are checked before anything is copied. Tied weights appear in
    the list under each of their uses, as in the book, so both copies hold the same values.
    """
    values = read_book_params(path)
    if len(values) != len(params):
        raise BookPickleError("%s holds %d arrays but the model has %d parameters (shapes in the file: %s)"
                              % (path, len(values), len(params), [v.shape for v in values][:6]))
    for k, (p, v) in enumerate(zip(params, values)):
        if tuple(p.shape) != tuple(v.shape):
            raise BookPickleError("%s: array %d has shape %s but the model's parameter %d is %s (built with "
                                  "other sizes?)" % (path, k, tuple(v.shape), k, tuple(p.shape)))
    for p, v in zip(params, values):
        p[...] = v.astype(p.dtype)
    return values


def save_book_params(params, path, half=True):
    """Write ``params`` as the book's save_params does: a pickled list of (float16) arrays, atomically."""
    arrays = [numpy.asarray(to_cpu(p)) for p in params]
    if half:
        arrays = [a.astype(numpy.float16) for a in arrays]
    with atomic_open(path, "wb") as f:
        pickle.dump(arrays, f)
    return path
