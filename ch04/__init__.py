"""Chapter 4: fast word2vec on PTB (embeddings, negative sampling)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
