"""CBOW with negative sampling (book 4.3): the mean of the 2w context vectors predicts the target."""
from ch04.word2vec import Word2Vec
from common.input_checks import check_ids
from common.sparse import MeanOfRows


class CBOW(Word2Vec):
    """CBOW with negative sampling: contexts (N, 2w), target (N,) -> mean loss.

        h = mean over the row's contexts c of W_in[c]        (N, H)
        loss = negative-sampling loss of h against W_out[target] and K sampled words

    A context of -1 (outside word2vec's dynamic window, see ``common.text.dynamic_window``) is
    left out of its row's mean, as word2vec and gensim do; every row needs at least one context.
    """

    context_mean = None      # the contexts' MeanOfRows, made at the first forward

    def forward(self, contexts, target):
        self.check_contexts(contexts)
        W_in = self.in_layer.params[0]
        check_ids(contexts, W_in.shape[0], "contexts", missing_ok=True)
        if self.context_mean is None:
            self.context_mean = MeanOfRows(W_in.shape[0], name="contexts")
        return self.ns_loss.forward(self.context_mean.forward(W_in, contexts), target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        # every context of row n receives dh[n] / (its row's number of contexts): no (N, C, H) copy
        self.in_layer.grads[0].set(*self.context_mean.backward(dh))
