"""Chapter 6: gated RNNs (LSTM language models, GRU, sentiment classifiers)."""

import common  # noqa: F401  (before NumPy loads: see common.config)
