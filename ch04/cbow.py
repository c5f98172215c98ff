"""CBOW with negative sampling (book 4.3): the mean of the 2w context vectors predicts the target."""
from ch04.word2vec import Word2Vec
from common.checks import check_ids
from common.np import mean_of_rows


class CBOW(Word2Vec):
    """CBOW with negative sampling: contexts (N, 2w), target (N,) -> mean loss.

        h = mean over the 2w contexts c of W_in[c]        (N, H)
        loss = negative-sampling loss of h against W_out[target] and K sampled words
    """

    def forward(self, contexts, target):
        self.check_contexts(contexts)
        W_in = self.in_layer.params[0]
        check_ids(contexts, W_in.shape[0], "contexts")
        self.contexts = contexts
        return self.ns_loss.forward(mean_of_rows(W_in, contexts), target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        contexts = self.contexts
        # every one of the C contexts of row n receives dh[n] / C: no (N, C, H) copy
        self.in_layer.grads[0].assign_rows(contexts, dh * (1.0 / contexts.shape[1]))
