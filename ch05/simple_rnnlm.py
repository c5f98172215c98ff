"""SimpleRnnlm: TimeEmbedding -> TimeRNN -> TimeAffine (book 5.5)."""
from common.init import randn, xavier, zeros
from common.sequential import SequentialLM
from common.time_layers import TimeAffine, TimeEmbedding, TimeRNN, TimeSoftmaxWithLoss


class SimpleRnnlm(SequentialLM):
    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.rnn_layer = TimeRNN(xavier(D, H, rng), xavier(H, H, rng), zeros(H), stateful=True)
        super().__init__([TimeEmbedding(randn(V, D, scale=0.01, rng=rng)), self.rnn_layer,
                          TimeAffine(xavier(H, V, rng), zeros(V))], TimeSoftmaxWithLoss())
