"""Character-level language models: embedding -> recurrent layer(s) -> affine.

cell: 'rnn', 'lstm', 'gru' or 'rnncf' (RNN with a slow context state, alpha 0.9).
"""
from common.init import randn, recurrent_layer, xavier, zeros
from common.sequential import Sequential
from common.time_layers import (TimeAffine, TimeDropout, TimeEmbedding, TimeGRU, TimeLSTM, TimeRNN, TimeRNNCF,
                                TimeSoftmaxWithLoss)

CELLS = {"rnn": TimeRNN, "lstm": TimeLSTM, "gru": TimeGRU}


class CharLM(Sequential):
    """Embedding (V, D) -> ``num_layers`` recurrent layers (rnn, lstm, gru; or one rnncf) -> Affine.

    ids (N, T) -> scores (N, T, V). With several layers, TimeDropout(``dropout``) sits between them
    (the tutorials' 3-layer character model).
    """

    def __init__(self, vocab_size, wordvec_size=32, hidden_size=128, cell="lstm", context_size=None,
                 alpha=0.9, rng=None, dtype="f", num_layers=1, dropout=0.0):
        V, D, H = vocab_size, wordvec_size, hidden_size
        if num_layers < 1:
            raise ValueError("num_layers must be at least 1, got %r" % num_layers)
        layers = [TimeEmbedding(randn(V, D, scale=0.01, rng=rng, dtype=dtype))]
        if cell == "rnncf":
            if num_layers != 1:
                raise ValueError("the RNN-CF character model has one layer")
            S = context_size or H
            layers.append(TimeRNNCF(xavier(D, S, rng, dtype), xavier(D + S, H, rng, dtype), xavier(H, H, rng, dtype),
                                    zeros(H, dtype=dtype), alpha=alpha, stateful=True))
            out_size = H + S
        else:
            for k in range(num_layers):
                if k and dropout:
                    layers.append(TimeDropout(dropout))
                layers.append(recurrent_layer(CELLS[cell], D if k == 0 else H, H, rng, dtype, stateful=True))
            out_size = H
        self.cell = cell
        layers.append(TimeAffine(xavier(out_size, V, rng, dtype), zeros(V, dtype=dtype)))
        super().__init__(layers, TimeSoftmaxWithLoss())
