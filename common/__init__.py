"""The core of ScratchNLP: layers, models, training, checkpoints, text; see the README's layout table."""

from common import config  # noqa: F401  (environment settings that must precede NumPy)
from common import memory  # noqa: F401  (the allocator setting, made before the first array)
