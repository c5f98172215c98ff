"""Chapter 8: attention (seq2seq with attention, a small Transformer LM)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
