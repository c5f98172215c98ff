"""Language models of chapter 6: Rnnlm (1 x LSTM) and GruRnnlm (the same with a GRU);
BetterRnnlm (2 x LSTM, dropout, weight tying) is in ch06/better_rnnlm.py, as in the book.

xs, ts: (N, T) ids; V vocabulary, D word-vector size, H hidden size.
"""
from common.sequential import OneLayerLM
from common.time_layers import TimeGRU, TimeLSTM


class Rnnlm(OneLayerLM):
    """The book's Rnnlm: Embedding -> TimeLSTM -> Affine; xs, ts (N, T) ids."""
    recurrent_class = TimeLSTM


class GruRnnlm(OneLayerLM):
    """Rnnlm with a TimeGRU in place of the LSTM."""
    recurrent_class = TimeGRU

