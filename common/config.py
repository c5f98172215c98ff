"""Global switches, read once from the environment.

``SCRATCHNLP_GPU=1`` selects CuPy as the array module (see ``common.np``).
Set ``common.config.GPU = True`` *before* anything imports ``common.np`` to do
the same from Python, as the book does.

``SCRATCHNLP_KEEP_MEMORY=0`` leaves the C allocator's defaults alone (see
``common.memory.keep_freed_memory``); by default freed array memory is kept for reuse.

``OPENBLAS_THREAD_TIMEOUT`` defaults to 4 here (OpenBLAS's own default is 28): after every matrix
product OpenBLAS's helper threads busy-wait 2**timeout cycles (2**28: about 0.1 s) for more work,
and in the language models that is exactly when the row-block softmax of ``common.parallel`` wants
the cores (8.5 -> 5.2 ms for Rnnlm's softmax forward; docs/journal.md). With 4 they sleep at once.
OpenBLAS reads the variable when NumPy loads it, so this module must run before ``import numpy``:
``common/__init__.py`` imports it, and the chapter and benchmark packages import ``common`` first.
A value you set yourself is kept.
"""
import os

_TRUE = {"1", "true", "yes", "on"}

GPU = os.environ.get("SCRATCHNLP_GPU", "0").strip().lower() in _TRUE

KEEP_MEMORY = os.environ.get("SCRATCHNLP_KEEP_MEMORY", "1").strip().lower() in _TRUE

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
