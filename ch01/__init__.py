"""Chapter 1: neural network basics (TwoLayerNet on the spiral data)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
