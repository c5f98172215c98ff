"""Global switches, read once from the environment.

``SCRATCHNLP_GPU=1`` selects CuPy as the array module (see ``common.np``).
Set ``common.config.GPU = True`` *before* anything imports ``common.np`` to do
the same from Python, as the book does.
"""
import os

_TRUE = {"1", "true", "yes", "on"}

GPU = os.environ.get("SCRATCHNLP_GPU", "0").strip().lower() in _TRUE
