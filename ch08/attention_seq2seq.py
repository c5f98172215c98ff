"""Seq2seq with attention (book 8.2): the decoder attends over all encoder states.

AttentionEncoder: xs (N, T) -> hs (N, T, H) (optionally bidirectional, H/2 per direction).
AttentionDecoder: scores = Affine([context ; decoder state]) with the context first.
"""
from ch07.seq2seq import Decoder, Encoder, Seq2seq
from common.attention import TimeAttention
from common.init import recurrent_layer
from common.np import np
from common.time_layers import TimeBidirectional, TimeLSTM


class AttentionEncoder(Encoder):
    """Encoder that returns every state hs (N, T, H) (optionally bidirectional, H/2 each way)."""
    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", bidirectional=False):
        if bidirectional and hidden_size % 2:
            raise ValueError("a bidirectional encoder needs an even hidden_size")
        self.bidirectional = bidirectional
        super().__init__(vocab_size, wordvec_size, hidden_size, rng, dtype)

    def recurrent(self, D, H, rng, dtype):
        """One TimeLSTM, or with ``bidirectional`` a forward and a backward TimeLSTM of H/2 each."""
        if not self.bidirectional:
            return super().recurrent(D, H, rng, dtype)
        return TimeBidirectional(recurrent_layer(TimeLSTM, D, H // 2, rng, dtype),
                                 recurrent_layer(TimeLSTM, D, H // 2, rng, dtype))

    def forward(self, xs):
        self.hs = self.lstm.forward(self.embed.forward(xs))
        return self.hs

    def backward(self, dhs):
        self.embed.backward(self.lstm.backward(dhs))


class AttentionDecoder(Decoder):
    """Decoder whose output layer reads [context ; state], the context attending over the encoder states."""
    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f"):
        super().__init__(vocab_size, wordvec_size, hidden_size, rng, dtype, affine_input=2 * hidden_size)
        self.attention = TimeAttention()

    def initial_state(self, enc_hs):
        return enc_hs[:, -1]

    def _scores(self, xs, enc_hs):
        dec_hs = self.lstm.forward(self.embed.forward(xs))
        c = self.attention.forward(enc_hs, dec_hs)
        return self.affine.forward(np.concatenate((c, dec_hs), axis=2))

    def backward(self, dscore):
        H = self.H
        dout = self.affine.backward(dscore)
        dc, ddec_hs0 = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_hs1 = self.attention.backward(dc)
        self.embed.backward(self.lstm.backward(ddec_hs0 + ddec_hs1))
        denc_hs[:, -1] += self.lstm.dh
        return denc_hs

    def generate(self, enc_hs, start_id, sample_size):
        """Greedy decoding; ``attention_weights`` (N, sample_size, T) holds every step's weights."""
        self._weights = []
        ids = super().generate(enc_hs, start_id, sample_size)
        self.attention_weights = np.concatenate(self._weights, axis=1)
        return ids

    def _generated_step(self):
        self._weights.append(self.attention.attention_weights)


class AttentionSeq2seq(Seq2seq):
    """Seq2seq with attention: xs (N, T_in), ts (N, 1 + T_out) -> mean loss."""
    encoder_class = AttentionEncoder
    decoder_class = AttentionDecoder

    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", bidirectional=False):
        super().__init__(vocab_size, wordvec_size, hidden_size, rng=rng, dtype=dtype, bidirectional=bidirectional)
