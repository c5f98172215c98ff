"""Character-level language models: embedding -> one recurrent layer -> affine.

cell: 'rnn', 'lstm', 'gru' or 'rnncf' (RNN with a slow context state, alpha 0.9).
"""
from common.init import randn, xavier, zeros
from common.rnn_cf import TimeRNNCF
from common.sequential import SequentialLM
from common.time_layers import TimeAffine, TimeEmbedding, TimeGRU, TimeLSTM, TimeRNN, TimeSoftmaxWithLoss

GATES = {"rnn": (TimeRNN, 1), "lstm": (TimeLSTM, 4), "gru": (TimeGRU, 3)}


class CharLM(SequentialLM):
    def __init__(self, vocab_size, wordvec_size=32, hidden_size=128, cell="lstm", context_size=None,
                 alpha=0.9, rng=None):
        V, D, H = vocab_size, wordvec_size, hidden_size
        if cell == "rnncf":
            S = context_size or H
            recurrent = TimeRNNCF(xavier(D, S, rng), xavier(D + S, H, rng), xavier(H, H, rng), zeros(H),
                                  alpha=alpha, stateful=True)
            out_size = H + S
        else:
            cls, g = GATES[cell]
            recurrent = cls(xavier(D, g * H, rng), xavier(H, g * H, rng), zeros(g * H), stateful=True)
            out_size = H
        self.cell = cell
        super().__init__([TimeEmbedding(randn(V, D, scale=0.01, rng=rng)), recurrent,
                          TimeAffine(xavier(out_size, V, rng), zeros(V))], TimeSoftmaxWithLoss())
