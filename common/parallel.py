"""Speed only: row-blocked, multi-threaded element-wise work for large (rows, V) arrays.

NumPy ufuncs release the GIL on large arrays, so splitting the rows of a big
softmax over a thread pool uses every core, and working on blocks of a few
rows keeps each block in cache through all its passes. On CuPy the function
is simply called once on the whole range.
"""
import os
from concurrent.futures import ThreadPoolExecutor

from common.np import GPU

_WORKERS = max(1, int(os.environ.get("SCRATCHNLP_THREADS", os.cpu_count() or 1)))
_pool = ThreadPoolExecutor(max_workers=_WORKERS) if _WORKERS > 1 else None


def _no_pool_in_a_forked_child():
    """A forked process (``common.hogwild``'s workers) has none of the pool's threads: it works alone."""
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_no_pool_in_a_forked_child)


def for_row_blocks(fn, n_rows, n_cols, block_bytes=1 << 19, itemsize=4):
    """Call ``fn(start, stop)`` over consecutive row blocks covering [0, n_rows)."""
    if GPU or n_rows * n_cols < (1 << 16):
        fn(0, n_rows)
        return
    block = max(1, block_bytes // max(1, n_cols * itemsize))
    bounds = [(a, min(a + block, n_rows)) for a in range(0, n_rows, block)]
    if _pool is None:
        for a, b in bounds:
            fn(a, b)
        return
    per_worker = [bounds[k::_WORKERS] for k in range(_WORKERS)]

    def run(chunks):
        for a, b in chunks:
            fn(a, b)

    for future in [_pool.submit(run, chunks) for chunks in per_worker if chunks]:
        future.result()
