"""Skip-gram with negative sampling: the target's vector predicts each of its 2w contexts."""
from ch04.word2vec import Word2Vec


class SkipGram(Word2Vec):
    """Skip-gram with negative sampling: contexts (N, 2w), target (N,) -> mean loss."""
    def forward(self, contexts, target):
        self.check_contexts(contexts)
        return self.ns_loss.forward(self.in_layer.forward(target), contexts)

    def backward(self, dout=1):
        self.in_layer.backward(self.ns_loss.backward(dout))
