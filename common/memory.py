"""Speed only: how the C allocator treats freed array memory (``SCRATCHNLP_KEEP_MEMORY``).

``common/__init__.py`` imports this module, so the setting is made before the first array exists.
"""
import ctypes
import sys

from common import config


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


if config.KEEP_MEMORY:     # harmless with CuPy too: it only changes the host allocator
    keep_freed_memory()
