"""The book's ``ch04/negative_sampling_layer.py`` names: EmbeddingDot, UnigramSampler and NegativeSamplingLoss.

The layers are part of the core and live in ``common/negative_sampling.py`` (their forward and
backward, with shapes); this module only gives them the book's file name, so that
``from ch04.negative_sampling_layer import NegativeSamplingLoss`` finds them.
"""
from common.negative_sampling import EmbeddingDot, NegativeSamplingLoss, UnigramSampler

__all__ = ["EmbeddingDot", "NegativeSamplingLoss", "UnigramSampler"]
