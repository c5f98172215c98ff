"""Character-level language models: embedding -> one recurrent layer -> affine.

cell: 'rnn', 'lstm', 'gru' or 'rnncf' (RNN with a slow context state, alpha 0.9).
"""
from common.init import randn, recurrent_layer, xavier, zeros
from common.time_layers import TimeRNNCF
from common.sequential import Sequential
from common.time_layers import TimeAffine, TimeEmbedding, TimeGRU, TimeLSTM, TimeRNN, TimeSoftmaxWithLoss

CELLS = {"rnn": TimeRNN, "lstm": TimeLSTM, "gru": TimeGRU}


class CharLM(Sequential):
    """Embedding (V, D) -> one recurrent layer (rnn, lstm, gru or rnncf) -> Affine.

    ids (N, T) -> scores (N, T, V).
    """
    def __init__(self, vocab_size, wordvec_size=32, hidden_size=128, cell="lstm", context_size=None,
                 alpha=0.9, rng=None, dtype="f"):
        V, D, H = vocab_size, wordvec_size, hidden_size
        if cell == "rnncf":
            S = context_size or H
            recurrent = TimeRNNCF(xavier(D, S, rng, dtype), xavier(D + S, H, rng, dtype), xavier(H, H, rng, dtype),
                                  zeros(H, dtype=dtype), alpha=alpha, stateful=True)
            out_size = H + S
        else:
            recurrent = recurrent_layer(CELLS[cell], D, H, rng, dtype, stateful=True)
            out_size = H
        self.cell = cell
        super().__init__([TimeEmbedding(randn(V, D, scale=0.01, rng=rng, dtype=dtype)), recurrent,
                          TimeAffine(xavier(out_size, V, rng, dtype), zeros(V, dtype=dtype))], TimeSoftmaxWithLoss())
