"""Chapter 3: word2vec with one-hot inputs (SimpleCBOW, SimpleSkipGram)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
