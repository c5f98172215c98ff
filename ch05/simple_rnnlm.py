"""SimpleRnnlm: TimeEmbedding -> TimeRNN -> TimeAffine (book 5.5)."""
from common.sequential import OneLayerLM
from common.time_layers import TimeRNN


class SimpleRnnlm(OneLayerLM):
    recurrent_class = TimeRNN
