"""A re-creation of the book's chapter-4 CBOW code, for speed comparison only.

It follows the book's algorithms: one Embedding layer per context column and one
EmbeddingDot + SigmoidWithLoss pair per positive/negative column, each with a
dense V x D gradient filled by np.add.at; a per-row ``np.random.choice``
negative sampler; value/identity duplicate removal that sums the dense
gradients; and dense optimizer updates over both (V, H) tables. Not used by
the library.
"""
import numpy as np

from benchmarks.book_reference import Embedding, remove_duplicate


class SigmoidWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = 1 / (1 + np.exp(-x))
        y2 = np.c_[1 - self.y, self.y]
        return -np.sum(np.log(y2[np.arange(len(t)), t] + 1e-7)) / len(t)

    def backward(self, dout=1):
        return (self.y - self.t) * dout / self.t.shape[0]


class EmbeddingDot:
    def __init__(self, W):
        self.embed = Embedding(W)
        self.params, self.grads = self.embed.params, self.embed.grads

    def forward(self, h, idx):
        target_W = self.embed.forward(idx)
        self.cache = (h, target_W)
        return np.sum(target_W * h, axis=1)

    def backward(self, dout):
        h, target_W = self.cache
        dout = dout.reshape(dout.shape[0], 1)
        self.embed.backward(dout * h)
        return dout * target_W


class UnigramSampler:
    def __init__(self, corpus, power, sample_size):
        counts = np.bincount(corpus)
        self.vocab_size = len(counts)
        self.word_p = counts ** power / np.sum(counts ** power)
        self.sample_size = sample_size

    def get_negative_sample(self, target):
        out = np.zeros((target.shape[0], self.sample_size), dtype=np.int32)
        for i in range(target.shape[0]):
            p = self.word_p.copy()
            p[target[i]] = 0
            p /= p.sum()
            out[i, :] = np.random.choice(self.vocab_size, size=self.sample_size, replace=False, p=p)
        return out


class BookCBOW:
    def __init__(self, vocab_size, hidden_size, window_size, corpus, sample_size=5):
        W_in = 0.01 * np.random.randn(vocab_size, hidden_size).astype("f")
        W_out = 0.01 * np.random.randn(vocab_size, hidden_size).astype("f")
        self.in_layers = [Embedding(W_in) for _ in range(2 * window_size)]
        self.sampler = UnigramSampler(corpus, 0.75, sample_size)
        self.dot_layers = [EmbeddingDot(W_out) for _ in range(sample_size + 1)]
        self.loss_layers = [SigmoidWithLoss() for _ in range(sample_size + 1)]
        layers = self.in_layers + self.dot_layers
        self.params = [p for layer in layers for p in layer.params]
        self.grads = [g for layer in layers for g in layer.grads]
        self.m = self.v = None
        self.iter = 0

    def forward(self, contexts, target):
        h = 0
        for i, layer in enumerate(self.in_layers):
            h += layer.forward(contexts[:, i])
        h *= 1 / len(self.in_layers)
        self.h = h
        negative = self.sampler.get_negative_sample(target)
        columns = [(target, 1)] + [(negative[:, i], 0) for i in range(negative.shape[1])]
        loss = 0
        for (ids, label), dot, sig in zip(columns, self.dot_layers, self.loss_layers):
            loss += sig.forward(dot.forward(h, ids), np.full(len(ids), label, dtype=np.int32))
        return loss

    def backward(self):
        dh = 0
        for dot, sig in zip(self.dot_layers, self.loss_layers):
            dh += dot.backward(sig.backward())
        dh *= 1 / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dh)

    def train_step(self, contexts, target, optimizer="adam", lr=0.001):
        loss = self.forward(contexts, target)
        self.backward()
        params, grads = remove_duplicate(self.params, self.grads)
        if optimizer == "sgd":
            for p, g in zip(params, grads):
                p -= lr * g
            return loss
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = lr * np.sqrt(1.0 - 0.999 ** self.iter) / (1.0 - 0.9 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - 0.9) * (g - m)
            v += (1 - 0.999) * (g ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)
        return loss
