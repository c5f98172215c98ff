"""CBOW with negative sampling (book 4.3): the mean of the 2w context vectors predicts the target."""
from ch04.word2vec import Word2Vec
from common.np import np


class CBOW(Word2Vec):
    """CBOW with negative sampling: contexts (N, 2w), target (N,) -> mean loss."""
    def forward(self, contexts, target):
        self.check_contexts(contexts)
        h = self.in_layer.forward(contexts).sum(axis=1)      # one lookup for all 2w columns
        h *= 1.0 / contexts.shape[1]                            # mean of the contexts
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        contexts = self.in_layer.ids
        N, C = contexts.shape
        # every context column receives dh / C: one scaled-row gradient, no (N, C, H) copy
        self.in_layer.grads[0].assign_scaled_rows(contexts, None, dh * (1.0 / C), np.arange(N).repeat(C))
