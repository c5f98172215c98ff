"""Encoder-decoder with LSTMs (book 7.3). xs (N, T_in) ids, ts (N, 1 + T_out) ids whose
first column is the start symbol; teacher forcing feeds ts[:, :-1] and predicts ts[:, 1:].
"""
from common.base_model import BaseModel
from common.init import randn, recurrent_layer, xavier, zeros
from common.np import np
from common.time_layers import TimeAffine, TimeEmbedding, TimeLSTM, TimeSoftmaxWithLoss
from common.layers import collect_params


class Encoder:
    """xs (N, T) -> last hidden state (N, H)."""

    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f"):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.embed = TimeEmbedding(randn(V, D, scale=0.01, rng=rng, dtype=dtype))
        self.lstm = self.recurrent(D, H, rng, dtype)
        self.params, self.grads = collect_params(self.embed, self.lstm)
        self.hs = None

    def recurrent(self, D, H, rng, dtype):
        """The encoder's recurrent layer: one TimeLSTM (D -> H) over the whole question."""
        return recurrent_layer(TimeLSTM, D, H, rng, dtype, stateful=False)

    def forward(self, xs):
        self.hs = self.lstm.forward(self.embed.forward(xs))
        return self.hs[:, -1, :]

    def backward(self, dh):
        dhs = np.zeros_like(self.hs)
        dhs[:, -1, :] = dh
        self.embed.backward(self.lstm.backward(dhs))


class Decoder:
    """(xs (N, T) ids, context) -> scores (N, T, V).

    The context is the encoder's output: here its last state h (N, H), which
    starts the LSTM. Subclasses (peeky, attention) change ``initial_state`` and
    ``_scores``; ``generate`` works for all of them.
    """

    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", lstm_input=None, affine_input=None):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.H = H
        self.embed = TimeEmbedding(randn(V, D, scale=0.01, rng=rng, dtype=dtype))
        self.lstm = recurrent_layer(TimeLSTM, lstm_input or D, H, rng, dtype, stateful=True)
        A = affine_input or H
        self.affine = TimeAffine(xavier(A, V, rng, dtype), zeros(V, dtype=dtype))
        self.params, self.grads = collect_params(self.embed, self.lstm, self.affine)

    def initial_state(self, context):
        return context

    def _scores(self, xs, context):
        return self.affine.forward(self.lstm.forward(self.embed.forward(xs)))

    def forward(self, xs, context):
        self.lstm.set_state(self.initial_state(context))
        return self._scores(xs, context)

    def backward(self, dscore):
        """Returns the gradient w.r.t. the context."""
        self.embed.backward(self.lstm.backward(self.affine.backward(dscore)))
        return self.lstm.dh

    def generate(self, context, start_id, sample_size):
        """Greedy decoding of a whole batch -> ids (N, sample_size)."""
        self.lstm.set_state(self.initial_state(context))
        x = np.full((context.shape[0], 1), start_id, dtype=np.int32)
        out = []
        for _ in range(sample_size):
            x = self._scores(x, context).argmax(axis=2).astype(np.int32)
            self._generated_step()
            out.append(x)
        return np.concatenate(out, axis=1)

    def _generated_step(self):
        """Called after every step of ``generate`` (the attention decoder keeps its weights here)."""


class Seq2seq(BaseModel):
    """Encoder -> last state -> Decoder (teacher forcing): xs (N, T_in), ts (N, 1 + T_out) -> mean loss."""
    encoder_class = Encoder
    decoder_class = Decoder

    def __init__(self, vocab_size, wordvec_size, hidden_size, rng=None, dtype="f", **encoder_options):
        args = (vocab_size, wordvec_size, hidden_size)
        self.encoder = self.encoder_class(*args, rng=rng, dtype=dtype, **encoder_options)
        self.decoder = self.decoder_class(*args, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()
        self.params, self.grads = collect_params(self.encoder, self.decoder)

    def forward(self, xs, ts):
        if ts.ndim != 2 or ts.shape[1] < 2:
            raise ValueError("ts must be (N, 1 + T_out) with a start symbol first, got %s" % (tuple(ts.shape),))
        decoder_xs, decoder_ts = ts[:, :-1], ts[:, 1:]
        h = self.encoder.forward(xs)
        return self.softmax.forward(self.decoder.forward(decoder_xs, h), decoder_ts)

    def backward(self, dout=1):
        dh = self.decoder.backward(self.softmax.backward(dout))
        self.encoder.backward(dh)

    def generate(self, xs, start_id, sample_size):
        """Greedy answers for questions xs (N, T_in) -> (N, sample_size) ids."""
        return self.decoder.generate(self.encoder.forward(xs), start_id, sample_size)
