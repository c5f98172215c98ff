"""Chapter 7: generation and seq2seq."""

import common  # noqa: F401  (before NumPy loads: see common.config)
