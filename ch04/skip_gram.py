"""Skip-gram with negative sampling: the target's vector predicts each of its 2w contexts."""
from ch04.word2vec import Word2Vec
from common.np import np


class SkipGram(Word2Vec):
    """Skip-gram with negative sampling: contexts (N, 2w), target (N,) -> loss.

    Every (target, context) pair is one positive example with its own K negatives.
    A context of -1 (outside word2vec's dynamic window, see ``common.text.dynamic_window``)
    is no pair at all, so it costs nothing. As in the book, the loss is summed over a
    row's contexts and averaged over the N rows:

        loss = sum over the P pairs of the negative-sampling loss / N
    """

    def forward(self, contexts, target):
        self.check_contexts(contexts)
        row, col = np.nonzero(contexts != -1)                  # the P pairs, row by row
        if row.shape[0] == 0:
            raise ValueError("every context is -1: the batch holds no (target, context) pair")
        h = self.in_layer.forward(target[row])                  # (P, H)
        self.pairs_per_row = row.shape[0] / contexts.shape[0]   # the loss layer averages over P, we over N
        return self.ns_loss.forward(h, contexts[row, col]) * self.pairs_per_row

    def backward(self, dout=1):
        self.in_layer.backward(self.ns_loss.backward(dout * self.pairs_per_row))
