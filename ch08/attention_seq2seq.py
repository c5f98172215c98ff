"""Seq2seq with attention (book 8.2): the decoder attends over all encoder states.

AttentionEncoder: xs (N, T) -> hs (N, T, H) (optionally bidirectional, H/2 per direction).
AttentionDecoder: scores = Affine([context ; decoder state]) with the context first.
"""
from ch07.seq2seq import Decoder, Encoder, Seq2seq
from common.attention import TimeAttention
from common.init import recurrent_layer
from common.layers import collect_params
from common.np import np
from common.time_layers import TimeBidirectional, TimeLSTM


class AttentionEncoder(Encoder):
    """Encoder that returns every state hs (N, T, H) (optionally bidirectional, H/2 each way)."""
    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", bidirectional=False):
        super().__init__(vocab_size, wordvec_size, hidden_size, rng, dtype)
        if bidirectional:
            if hidden_size % 2:
                raise ValueError("a bidirectional encoder needs an even hidden_size")
            half = hidden_size // 2
            self.lstm = TimeBidirectional(recurrent_layer(TimeLSTM, wordvec_size, half, rng, dtype),
                                          recurrent_layer(TimeLSTM, wordvec_size, half, rng, dtype))
            self.params, self.grads = collect_params(self.embed, self.lstm)

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
        weights = []
        self.lstm.set_state(self.initial_state(enc_hs))
        x = np.full((enc_hs.shape[0], 1), start_id, dtype=np.int32)
        out = []
        for _ in range(sample_size):
            x = self._scores(x, enc_hs).argmax(axis=2).astype(np.int32)
            weights.append(self.attention.attention_weights)
            out.append(x)
        self.attention_weights = np.concatenate(weights, axis=1)
        return np.concatenate(out, axis=1)


class AttentionSeq2seq(Seq2seq):
    """Seq2seq with attention: xs (N, T_in), ts (N, 1 + T_out) -> mean loss."""
    encoder_class = AttentionEncoder
    decoder_class = AttentionDecoder

    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", bidirectional=False):
        args = (vocab_size, wordvec_size, hidden_size)
        super().__init__(*args, rng=rng, dtype=dtype)
        if bidirectional:
            self.encoder = AttentionEncoder(*args, rng=rng, dtype=dtype, bidirectional=True)
            self.params, self.grads = collect_params(self.encoder, self.decoder)
