"""Global switches, read once from the environment.

``SCRATCHNLP_GPU=1`` selects CuPy as the array module (see ``common.np``).
Set ``common.config.GPU = True`` *before* anything imports ``common.np`` to do
the same from Python, as the book does.

``SCRATCHNLP_KEEP_MEMORY=0`` leaves the C allocator's defaults alone (see
``common.np.keep_freed_memory``); by default freed array memory is kept for reuse.
"""
import os

_TRUE = {"1", "true", "yes", "on"}

GPU = os.environ.get("SCRATCHNLP_GPU", "0").strip().lower() in _TRUE

KEEP_MEMORY = os.environ.get("SCRATCHNLP_KEEP_MEMORY", "1").strip().lower() in _TRUE
