"""BetterRnnlm (book 6.5): two LSTM layers, dropout between every layer, and the output layer
tied to the word vectors.

xs, ts: (N, T) ids; V vocabulary, D word-vector size = H hidden size (tying needs D == H).
"""
from common.init import randn, recurrent_layer, zeros
from common.sequential import Sequential
from common.time_layers import TimeAffine, TimeDropout, TimeEmbedding, TimeLSTM, TimeSoftmaxWithLoss


class BetterRnnlm(Sequential):
    """Embedding -> Dropout -> LSTM -> Dropout -> LSTM -> Dropout -> Affine(embed_W.T).

    The output layer uses the transposed *view* of the embedding matrix (weight
    tying), so wordvec_size must equal hidden_size.
    """

    def __init__(self, vocab_size=10000, wordvec_size=650, hidden_size=650, dropout_ratio=0.5, rng=None, dtype="f"):
        V, D, H = vocab_size, wordvec_size, hidden_size
        if D != H:
            raise ValueError("weight tying needs wordvec_size == hidden_size (got %d and %d)" % (D, H))
        embed_W = randn(V, D, scale=0.01, rng=rng, dtype=dtype)
        self.lstm_layers = [recurrent_layer(TimeLSTM, D, H, rng, dtype, stateful=True),
                            recurrent_layer(TimeLSTM, H, H, rng, dtype, stateful=True)]
        super().__init__([
            TimeEmbedding(embed_W), TimeDropout(dropout_ratio),
            self.lstm_layers[0], TimeDropout(dropout_ratio),
            self.lstm_layers[1], TimeDropout(dropout_ratio),
            TimeAffine(embed_W.T, zeros(V, dtype=dtype)),
        ], TimeSoftmaxWithLoss())
