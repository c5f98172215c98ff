"""Skip-gram with negative sampling: the target's vector predicts each of its 2w contexts."""
from ch04.word2vec import Word2Vec
from common.input_checks import check_ids
from common.np import np


class SkipGram(Word2Vec):
    """Skip-gram with negative sampling: contexts (N, 2w), target (N,) -> loss.

    Every (target, context) pair is one positive example. A context of -1 (outside word2vec's
    dynamic window, see ``common.text.dynamic_window``) is no pair at all. As in the book, the
    loss is summed over a row's contexts and averaged over the N rows:

        loss = sum over the P pairs of the negative-sampling loss / N

    The book's form scores the target's W_in row against W_out[context] and K negatives drawn
    for every pair. With ``shared_negatives`` the pairs are read the other way round, as
    word2vec's code and gensim do (each context's W_in row against W_out[target]), and the pairs
    of one target share its draw of K negatives (Ji et al.'s HogBatch, arXiv:1604.04661):

        loss = sum_n sum_{c present} [ -log sigmoid(W_out[t_n] . W_in[x_nc])
                                       - sum_k log sigmoid(-W_out[neg_nk] . W_in[x_nc]) ] / N

    Per step that gathers (N, 2w, H) input rows and (N, 1 + K, H) output rows, where the book's
    form gathers (P, H) and (P, 1 + K, H) for the P pairs; the scores are one batched product.
    """

    def __init__(self, vocab_size, hidden_size, window_size, corpus=None, sample_size=5, rng=None, seed=None,
                 dtype="f", word_counts=None, shared_negatives=False):
        super().__init__(vocab_size, hidden_size, window_size, corpus, sample_size, rng, seed, dtype, word_counts)
        self.shared_negatives = shared_negatives

    def forward(self, contexts, target):
        self.check_contexts(contexts)
        present = contexts != -1                                # (N, 2w)
        if not bool(present.any()):
            raise ValueError("every context is -1: the batch holds no (target, context) pair")
        if self.shared_negatives:
            return self._shared_forward(contexts, target, present)
        row, col = np.nonzero(present)                          # the P pairs, row by row
        h = self.in_layer.forward(target[row])                  # (P, H)
        self.pairs_per_row = row.shape[0] / contexts.shape[0]   # the loss layer averages over P, we over N
        return self.ns_loss.forward(h, contexts[row, col]) * self.pairs_per_row

    def backward(self, dout=1):
        if self.shared_negatives:
            self.in_layer.grads[0].assign(self.contexts, self.ns_loss.backward(dout))   # -1: no row
            return
        self.in_layer.backward(self.ns_loss.backward(dout * self.pairs_per_row))

    def _shared_forward(self, contexts, target, present):
        W_in = self.in_layer.params[0]
        check_ids(contexts, W_in.shape[0], "contexts", missing_ok=True)
        if bool(present.all()):
            present = None                                      # no mask to apply
        self.contexts = contexts
        h = W_in.take(contexts if present is None else np.maximum(contexts, 0), axis=0)   # (N, 2w, H)
        return self.ns_loss.forward(h, target, present)
