"""Would a pre-packed matrix product speed up the LSTM's per-step recurrent product here?

At every time step an LSTM layer computes h_{t-1} Wh, (N, H) times (H, 4H). OpenBLAS, NumPy's BLAS,
copies ("packs") Wh into its panel layout inside every call, a fixed cost that at the book's batch
of 20 is about 40% of the product; oneDNN, PyTorch's LSTM, packs Wh once per pass. Intel MKL
offers the same split through ``cblas_sgemm_pack`` (once) and ``cblas_sgemm_compute`` (every step).
This times, for every (N, H), the best of ``--repeats`` runs of ``--calls`` products each:

- numpy:       ``np.matmul(h, Wh, out=...)``, OpenBLAS, Wh packed in every call
- mkl:         ``cblas_sgemm``, MKL, Wh packed in every call
- mkl packed:  ``cblas_sgemm_compute`` on Wh packed once beforehand

MKL is not a dependency of ScratchNLP. Its arms run when ``libmkl_rt`` is found: given with
``--mkl PATH``, or in this Python's ``lib`` folder (``pip install mkl`` puts it there), or on the
loader's path; otherwise only the NumPy arm is timed.

    python -m benchmarks.packed_gemm [--batch 20 64] [--hidden 100 650] [--threads 2] [--mkl PATH]
"""
import ctypes
import ctypes.util
import glob
import os
import sys
import time

import numpy

from common.cli import parser, positive_int

ROW_MAJOR, NO_TRANS, PACKED, B_MATRIX = 101, 111, 151, 162     # CBLAS enum values


def find_mkl(path=None):
    """Path of libmkl_rt: ``path`` if given, else the first found in sys.prefix/lib or by the loader."""
    if path is not None:
        return path
    found = sorted(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_rt.so*")))
    return found[0] if found else ctypes.util.find_library("mkl_rt")


class Mkl:
    """The four MKL calls timed here, through ctypes (MKL's LP64 interface: 32-bit ints)."""

    def __init__(self, path, threads):
        lib = ctypes.CDLL(path)
        i, f, v = ctypes.c_int, ctypes.c_float, ctypes.c_void_p
        lib.cblas_sgemm_pack_get_size.restype = ctypes.c_size_t
        lib.cblas_sgemm_pack_get_size.argtypes = [i, i, i, i]
        lib.cblas_sgemm_pack.argtypes = [i, i, i, i, i, i, f, v, i, v]
        lib.cblas_sgemm_compute.argtypes = [i, i, i, i, i, i, v, i, v, i, f, v, i]
        lib.cblas_sgemm.argtypes = [i, i, i, i, i, i, f, v, i, v, i, f, v, i]
        lib.MKL_Set_Num_Threads.argtypes = [i]
        lib.MKL_Set_Num_Threads(threads)
        self.lib = lib

    def product(self, a, b, out):
        """out = a b, MKL packing b in this call; a (m, k), b (k, n), out (m, n), C-contiguous float32."""
        (m, k), n = a.shape, b.shape[1]
        self.lib.cblas_sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1.0, a.ctypes.data, k,
                             b.ctypes.data, n, 0.0, out.ctypes.data, n)

    def packed(self, b, m):
        """b (k, n) packed once for products with m-row left operands; returns the packed buffer."""
        k, n = b.shape
        size = self.lib.cblas_sgemm_pack_get_size(B_MATRIX, m, n, k)
        buffer = numpy.empty(size, dtype=numpy.uint8)
        self.lib.cblas_sgemm_pack(ROW_MAJOR, B_MATRIX, NO_TRANS, m, n, k, 1.0, b.ctypes.data, n,
                                  buffer.ctypes.data)
        return buffer

    def packed_product(self, a, b_packed, out):
        """out = a b with b from ``packed(b, m)``, a (m, k), out (m, n): the per-step call, which no
        longer packs b."""
        (m, k), n = a.shape, out.shape[1]
        self.lib.cblas_sgemm_compute(ROW_MAJOR, NO_TRANS, PACKED, m, n, k, a.ctypes.data, k,
                                     b_packed.ctypes.data, n, 0.0, out.ctypes.data, n)


def best_us(call, calls, repeats):
    """Best over ``repeats`` runs of the mean time of ``calls`` calls, in microseconds."""
    call()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def time_recurrent_product(N, H, calls, repeats, mkl=None, seed=0):
    """{arm: microseconds per (N, H)(H, 4H) product}, and the largest |difference| from NumPy's result."""
    rng = numpy.random.default_rng(seed)
    h = rng.standard_normal((N, H), dtype=numpy.float32)
    Wh = rng.standard_normal((H, 4 * H), dtype=numpy.float32) / numpy.float32(H ** 0.5)
    reference = numpy.empty((N, 4 * H), dtype=numpy.float32)
    times = {"numpy": best_us(lambda: numpy.matmul(h, Wh, out=reference), calls, repeats)}
    largest_difference = 0.0
    if mkl is not None:
        out = numpy.empty_like(reference)
        times["mkl"] = best_us(lambda: mkl.product(h, Wh, out), calls, repeats)
        largest_difference = float(numpy.abs(out - reference).max())
        Wh_packed = mkl.packed(Wh, N)
        times["mkl packed"] = best_us(lambda: mkl.packed_product(h, Wh_packed, out), calls, repeats)
        largest_difference = max(largest_difference, float(numpy.abs(out - reference).max()))
    return times, largest_difference


def main(argv=None):
    p = parser("benchmarks.packed_gemm", __doc__, dry_run=False)
    p.add_argument("--batch", type=positive_int, nargs="+", default=[20, 64], help="rows N of h")
    p.add_argument("--hidden", type=positive_int, nargs="+", default=[100, 650], help="hidden sizes H")
    p.add_argument("--calls", type=positive_int, default=200, help="products per timed run")
    p.add_argument("--repeats", type=positive_int, default=5, help="timed runs per arm (the best is kept)")
    p.add_argument("--threads", type=positive_int, default=os.cpu_count(), help="MKL's threads")
    p.add_argument("--mkl", metavar="PATH", help="libmkl_rt to load (default: looked for, see above)")
    args = p.parse_args(argv)
    if args.mkl is not None and not os.path.exists(args.mkl):
        p.error("--mkl %s: no such file" % args.mkl)
    path = find_mkl(args.mkl)
    try:
        mkl = Mkl(path, args.threads) if path else None
    except (OSError, AttributeError) as exc:      # not a shared library, or one without MKL's functions
        p.error("%s cannot be used as MKL's libmkl_rt: %s" % (path, exc))
    print("NumPy %s; MKL: %s" % (numpy.__version__, path or "not found, NumPy arm only"))
    print("%5s %5s %10s %10s %12s %14s %10s" % ("N", "H", "numpy us", "mkl us", "packed us",
                                                "packed/numpy", "max |diff|"))
    for H in args.hidden:
        for N in args.batch:
            times, difference = time_recurrent_product(N, H, args.calls, args.repeats, mkl)
            if mkl is None:
                print("%5d %5d %10.1f" % (N, H, times["numpy"]))
            else:
                print("%5d %5d %10.1f %10.1f %12.1f %13.2fx %10.1e" % (
                    N, H, times["numpy"], times["mkl"], times["mkl packed"],
                    times["mkl packed"] / times["numpy"], difference))


if __name__ == "__main__":
    main()
