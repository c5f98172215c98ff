"""Shared parts of the word2vec models: W_in / W_out tables and the negative-sampling loss."""
from common.base_model import BaseModel
from common.init import randn
from common.layers import Embedding, collect_params
from common.negative_sampling import NegativeSamplingLoss


class Word2Vec(BaseModel):
    """contexts (N, 2w) ids, target (N,) ids; W_in and W_out are both (V, H); word_vecs = W_in.

    Negatives are drawn from the unigram counts of ``corpus`` (or ``word_counts`` (V,),
    which is what a checkpoint stores instead of the corpus).
    """

    def __init__(self, vocab_size, hidden_size, window_size, corpus=None, sample_size=5, rng=None, seed=None,
                 dtype="f", word_counts=None):
        V, H = vocab_size, hidden_size
        if corpus is None and word_counts is None:
            raise ValueError("give the training corpus (or its word_counts) to sample negatives from")
        W_in = randn(V, H, scale=0.01, rng=rng, dtype=dtype)
        W_out = randn(V, H, scale=0.01, rng=rng, dtype=dtype)
        self.window_size = window_size
        self.in_layer = Embedding(W_in)
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=sample_size, seed=seed,
                                            counts=word_counts)
        self.params, self.grads = collect_params(self.in_layer, self.ns_loss)
        self.word_vecs = W_in

    def config(self):
        config = super().config()
        config.update(corpus=None, word_counts=self.ns_loss.sampler.counts)
        return config

    def check_contexts(self, contexts):
        if contexts.ndim != 2 or contexts.shape[1] != 2 * self.window_size:
            raise ValueError("contexts must be (N, %d), got %s" % (2 * self.window_size, tuple(contexts.shape)))
