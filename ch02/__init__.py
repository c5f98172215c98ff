"""Chapter 2: counting words (co-occurrence, PPMI, SVD), WordNet, document vectors."""

import common  # noqa: F401  (before NumPy loads: see common.config)
