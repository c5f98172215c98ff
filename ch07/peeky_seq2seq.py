"""Peeky seq2seq (book 7.4.2): the encoder state h (N, H) is fed to every decoder
step, both into the LSTM input and into the output Affine."""
from ch07.seq2seq import Decoder, Encoder, Seq2seq
from common.np import np


class PeekyDecoder(Decoder):
    """A decoder that reads the encoder state h (N, H) at every step, into its LSTM and its Affine."""
    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f"):
        H = hidden_size
        super().__init__(vocab_size, wordvec_size, hidden_size, rng, dtype,
                         lstm_input=H + wordvec_size, affine_input=H + H)

    def _scores(self, xs, h):
        N, T = xs.shape
        hs = np.broadcast_to(h[:, None, :], (N, T, self.H))
        out = self.lstm.forward(np.concatenate((hs, self.embed.forward(xs)), axis=2))
        return self.affine.forward(np.concatenate((hs, out), axis=2))

    def backward(self, dscore):
        H = self.H
        dout = self.affine.backward(dscore)
        dhs0, dout = dout[:, :, :H], dout[:, :, H:]
        dout = self.lstm.backward(dout)
        dhs1, dembed = dout[:, :, :H], dout[:, :, H:]
        self.embed.backward(dembed)
        return self.lstm.dh + dhs0.sum(axis=1) + dhs1.sum(axis=1)


class PeekySeq2seq(Seq2seq):
    """Seq2seq with the peeky decoder."""
    encoder_class = Encoder
    decoder_class = PeekyDecoder
