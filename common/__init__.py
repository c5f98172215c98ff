"""The core of ScratchNLP: layers, models, training, checkpoints, text; see the README's layout table."""

from common import config  # noqa: F401  (environment settings that must precede NumPy)
