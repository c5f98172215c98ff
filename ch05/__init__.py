"""Chapter 5: recurrent neural networks (SimpleRnnlm, character LMs, RNN-CF)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
