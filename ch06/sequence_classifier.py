"""Many-to-one classifiers (classic RNN tutorials).

Over right-padded id batches, ids (N, T), lengths (N,), labels (N,) -> loss:
``RnnClassifier`` reads the recurrent state at each row's last valid step;
``BagOfWordsClassifier`` averages the word vectors (the IMDB tutorial's baseline).
Over float sequences, xs (N, T, D), labels (N,) -> loss: ``SequenceClassifier``
(an image's rows, or its pixels, as the time steps).
"""
from common.base_model import BaseModel
from common.init import randn, recurrent_layer, xavier, zeros
from common.layers import Affine, Dropout, SoftmaxWithLoss, collect_params
from common.np import np
from common.time_layers import TimeEmbedding, TimeGRU, TimeLSTM, TimeMaskedMean, TimeRNN, TimeSelectLast

CELLS = {"rnn": TimeRNN, "lstm": TimeLSTM, "gru": TimeGRU}


class _Classifier(BaseModel):
    def forward(self, ids, lengths, labels, train_flg=None):
        """Mean loss; ``train_flg`` None keeps the model's mode (``train()`` / ``eval()``)."""
        return self.loss_layer.forward(self.predict(ids, lengths, self.training if train_flg is None else train_flg),
                                       labels)

    def predict(self, ids, lengths, train_flg=False):
        """Class scores (N, C) of right-padded ids (N, T) with true lengths (N,)."""
        with self.mode(train_flg):
            return self._scores(ids, lengths)

    def backward(self, dout=1):
        dout = self.out.backward(self.loss_layer.backward(dout))
        self._backward_features(dout)


class RnnClassifier(_Classifier):
    """Embedding -> RNN/LSTM/GRU -> state at each row's last step -> dropout -> Affine.

    ids (N, T), lengths (N,) -> scores (N, C).
    """
    def __init__(self, vocab_size, wordvec_size, hidden_size, n_classes=2, cell="lstm",
                 dropout=0.0, rng=None, dtype="f", embed_scale=0.01):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.embed = TimeEmbedding(randn(V, D, scale=embed_scale, rng=rng, dtype=dtype))
        self.rnn = recurrent_layer(CELLS[cell], D, H, rng, dtype)
        self.select = TimeSelectLast()
        self.dropout = Dropout(dropout)
        self.out = Affine(xavier(H, n_classes, rng, dtype), zeros(n_classes, dtype=dtype))
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = collect_params(self.embed, self.rnn, self.out)

    def _scores(self, ids, lengths):
        h = self.select.forward(self.rnn.forward(self.embed.forward(ids)), lengths)
        return self.out.forward(self.dropout.forward(h))

    def _backward_features(self, dout):
        self.embed.backward(self.rnn.backward(self.select.backward(self.dropout.backward(dout))))


class BagOfWordsClassifier(_Classifier):
    """Mean of a row's word vectors -> Affine: ids (N, T), lengths (N,) -> scores (N, C)."""
    def __init__(self, vocab_size, wordvec_size, n_classes=2, rng=None, dtype="f"):
        self.embed = TimeEmbedding(randn(vocab_size, wordvec_size, scale=0.01, rng=rng, dtype=dtype))
        self.pool = TimeMaskedMean()
        self.out = Affine(xavier(wordvec_size, n_classes, rng, dtype), zeros(n_classes, dtype=dtype))
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = collect_params(self.embed, self.out)

    def _scores(self, ids, lengths):
        return self.out.forward(self.pool.forward(self.embed.forward(ids), lengths))

    def _backward_features(self, dout):
        self.embed.backward(self.pool.backward(dout))


class SequenceClassifier(BaseModel):
    """Float sequences xs (N, T, D) -> RNN/LSTM/GRU -> last state (N, H) -> Affine -> scores (N, C).

    ``init='irnn'`` starts a ReLU RNN from the identity (Le et al. 2015); ``forget_bias`` starts an
    LSTM's forget gate open (``common.init.recurrent_layer``).
    """

    def __init__(self, input_size, hidden_size, n_classes=10, cell="lstm", init="xavier", forget_bias=0.0,
                 rng=None, dtype="f"):
        D, H, C = input_size, hidden_size, n_classes
        self.rnn = recurrent_layer(CELLS[cell], D, H, rng, dtype, init=init, forget_bias=forget_bias)
        self.out = Affine(xavier(H, C, rng, dtype), zeros(C, dtype=dtype))
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = collect_params(self.rnn, self.out)
        self.hs_shape = None

    def predict(self, xs):
        hs = self.rnn.forward(xs)
        self.hs_shape = hs.shape
        return self.out.forward(hs[:, -1])

    def forward(self, xs, labels):
        return self.loss_layer.forward(self.predict(xs), labels)

    def backward(self, dout=1):
        dhs = np.zeros(self.hs_shape, dtype=self.params[0].dtype)
        dhs[:, -1] = self.out.backward(self.loss_layer.backward(dout))
        self.rnn.backward(dhs)
