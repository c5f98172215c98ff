"""A decoder-only Transformer language model (beyond the book, chapter 8.5):
Embedding + positional encoding -> n_layers x TransformerBlock -> LayerNorm -> Affine."""
from common.init import randn, xavier, zeros
from common.np import np
from common.sequential import Sequential
from common.time_layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss
from common.transformer import LayerNorm, PositionalEncoding, TransformerBlock


class TransformerLM(Sequential):
    """Embedding + positions -> n_layers pre-LN Transformer blocks -> LayerNorm -> Affine.

    ids (N, T) -> scores (N, T, V).
    """
    def __init__(self, vocab_size, model_size=64, n_heads=4, n_layers=2, max_len=256, rng=None, dtype="f"):
        V, D = vocab_size, model_size
        layers = [TimeEmbedding(randn(V, D, scale=0.1, rng=rng, dtype=dtype)), PositionalEncoding(max_len, D, dtype)]
        layers += [TransformerBlock(D, n_heads, rng=rng, dtype=dtype) for _ in range(n_layers)]
        layers += [LayerNorm(np.ones(D, dtype=dtype), np.zeros(D, dtype=dtype)),
                   TimeAffine(xavier(D, V, rng, dtype), zeros(V, dtype=dtype))]
        super().__init__(layers, TimeSoftmaxWithLoss())
        self.max_len = max_len

    def next_scores(self, ids):
        """Scores (V,) for the token after ``ids`` (the last max_len of them are used)."""
        x = np.asarray(ids[-self.max_len:], dtype=np.int32)[None, :]
        return self.predict(x)[0, -1]
