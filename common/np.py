"""The one place where the array module is chosen.

Every other module does ``from common.np import np`` and never imports CuPy.
NumPy is the default; CuPy is used when ``common.config.GPU`` is true (set by
the ``SCRATCHNLP_GPU`` environment variable). If CuPy is requested but cannot be
imported, or finds no usable CUDA device, we fall back to NumPy with one clear
warning (the program runs, on the CPU).
"""
import ctypes
import sys
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


def keep_freed_memory():
    """Speed only: let the C allocator (glibc) reuse freed array memory instead of returning it.

    By default glibc gives every large array fresh pages from the kernel and hands them back
    when it is freed, so each training step pays thousands of page faults for the same
    buffers (Rnnlm: ~1,900 faults and 18 ms of system time in a 72 ms step). Serving large
    blocks from the heap and not trimming it keeps them, as PyTorch's caching allocator does;
    the process keeps its peak memory until it exits. Returns True when the setting was made
    (Linux with glibc); elsewhere it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):      # not glibc: no libc.so.6, or no mallopt in it
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(mallopt(M_MMAP_THRESHOLD, 1 << 30)) and bool(mallopt(M_TRIM_THRESHOLD, (1 << 31) - 1))


if config.KEEP_MEMORY and not GPU:
    keep_freed_memory()

# Dropout masks come from a counter-based stream: draw k uses a generator seeded
# with (seed, k). Its whole state is two integers, the same on NumPy and CuPy,
# so a checkpoint can store it and a resumed run draws exactly the same masks.
_seed = int(numpy.random.SeedSequence().generate_state(1)[0])
_draws = 0


def seed(value):
    """Seed every random source the library uses (NumPy, and CuPy when active)."""
    global _seed, _draws
    numpy.random.seed(value)
    _seed, _draws = int(value), 0
    if GPU:
        np.random.seed(value)


def rng_state():
    """The state of ``rand``'s stream as a JSON-able dict (see ``set_rng_state``)."""
    return {"seed": _seed, "draws": _draws}


def set_rng_state(state):
    """Continue the dropout stream from ``rng_state()`` output."""
    global _seed, _draws
    _seed, _draws = int(state["seed"]), int(state["draws"])


def rand(shape, dtype="f"):
    """Uniform [0, 1) samples of ``shape`` on the active device (the next draw of the stream)."""
    global _draws
    _draws += 1
    if GPU:
        return np.random.RandomState(_seed * 1000003 + _draws).random_sample(size=shape, dtype=dtype)
    return numpy.random.default_rng([_seed, _draws]).random(shape, dtype=numpy.dtype(dtype))


def to_cpu(x):
    """Return ``x`` as a NumPy array (no copy when it already is one)."""
    if isinstance(x, numpy.ndarray):
        return x
    return np.asnumpy(x) if GPU else numpy.asarray(x)


def to_gpu(x):
    """Return ``x`` on the active device (a no-op on the NumPy backend)."""
    return np.asarray(x)


def sum_into_rows(slot, n_slots, base, coef=None):
    """(n_slots, D) array whose row k sums coef[n, m] * base[n] over every (n, m) with slot[n, m] == k.

    slot, coef: (N, M) (coef None means 1; a slot of -1 is no entry); base: (N, D): row n of base
    feeds the M rows slot[n]. It is S^T base for the sparse (N, n_slots) matrix S with
    S[n, slot[n, m]] += coef[n, m]; on the CPU SciPy's sparse product does it in one pass over the
    entries, without an (N*M, D) copy of the rows (``np.add.at`` on rows is 25x slower); on the GPU
    CuPy's atomic ``add.at`` does it.
    """
    N, M = slot.shape
    if GPU:
        present = slot >= 0
        weight = present.astype(base.dtype) if coef is None else coef * present
        picked = np.repeat(base, M, axis=0) * weight.reshape(-1, 1)
        out = np.zeros((n_slots, base.shape[1]), dtype=base.dtype)
        np.add.at(out, np.where(present, slot, 0).reshape(-1), picked)
        return out
    return numpy.asarray(_row_selector(slot, n_slots, coef, base.dtype, transposed=True) @ base, dtype=base.dtype)


def mean_of_rows(table, ids):
    """(N, D) array whose row n is the mean of table[ids[n, c]] over its C columns; ids (N, C), table (V, D).

    An id of -1 is no entry: the mean is over the row's other ids (a row of only -1 gives zeros).
    On the CPU it is one product of the sparse (N, V) averaging matrix with the table, 2x
    faster than gathering the (N, C, D) rows and averaging them (N 1000, C 10, D 100 or 300);
    on the GPU a gather.
    """
    N, C = ids.shape
    if GPU:
        present = ids >= 0
        weight = present / np.maximum(present.sum(axis=1, keepdims=True), 1)   # (N, C)
        rows = table.take(np.where(present, ids, 0), axis=0)                    # (N, C, D)
        return (rows * weight.astype(table.dtype)[:, :, None]).sum(axis=1)
    if all_present(ids):
        weight = numpy.full(ids.shape, 1.0 / C, dtype=table.dtype)
    else:
        present = ids >= 0
        weight = (present / numpy.maximum(present.sum(axis=1, keepdims=True), 1)).astype(table.dtype)
    return numpy.asarray(_row_selector(ids, table.shape[0], weight, table.dtype) @ table, dtype=table.dtype)


def all_present(ids):
    """True unless some id is -1 (no entry) in an id array; one min() instead of a boolean mask."""
    return ids.size == 0 or int(ids.min()) >= 0


def _row_selector(cols, n_cols, coef, dtype, transposed=False):
    """The sparse (N, n_cols) matrix S with S[n, cols[n, m]] += coef[n, m] (1 where coef is None), as CSR;
    with ``transposed``, S^T (n_cols, N) as CSC, built from the same three arrays.

    A column of -1 is no entry. When every entry is present each row holds exactly M of them, so the
    row pointer is a plain range; a column named twice in one row is two entries, which SciPy's
    products add up. The index arrays are made int32 here, as SciPy would otherwise convert them
    itself (11 us of a 22 us constructor at N*M = 10,000).
    """
    import scipy.sparse

    N, M = cols.shape
    coef = numpy.ones(cols.shape, dtype=dtype) if coef is None else coef
    index = numpy.int32 if max(n_cols, N * M) < 2 ** 31 else numpy.int64
    if all_present(cols):
        data, indices, indptr = coef.reshape(-1), cols.reshape(-1), numpy.arange(0, N * M + 1, M, dtype=index)
    else:
        present = cols >= 0
        data, indices = coef[present], cols[present]
        indptr = numpy.zeros(N + 1, dtype=index)
        numpy.cumsum(present.sum(axis=1), out=indptr[1:])
    arrays = (data.astype(dtype, copy=False), indices.astype(index, copy=False), indptr)
    if transposed:
        return scipy.sparse.csc_matrix(arrays, shape=(n_cols, N))
    return scipy.sparse.csr_matrix(arrays, shape=(N, n_cols))
