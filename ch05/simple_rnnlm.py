"""SimpleRnnlm: TimeEmbedding -> TimeRNN -> TimeAffine (book 5.5)."""
from common.sequential import OneLayerLM
from common.time_layers import TimeRNN


class SimpleRnnlm(OneLayerLM):
    """Embedding -> TimeRNN -> Affine language model: xs, ts (N, T) ids."""
    recurrent_class = TimeRNN
