"""The book's ``common/util.py`` names in one place.

Text utilities live in ``common.text``, gradient utilities in ``common.gradients``
and metrics in ``common.evaluation``; they are re-exported here for book compatibility.
"""
from common.evaluation import eval_perplexity, eval_seq2seq, perplexity, seq2seq_accuracy  # noqa: F401
from common.gradients import clip_grads, clip_grads_value, remove_duplicate  # noqa: F401
from common.np import np, to_cpu, to_gpu  # noqa: F401
from common.text import (analogy, convert_one_hot, cos_similarity, create_co_matrix,  # noqa: F401
                         create_contexts_target, most_similar, normalize, ppmi, preprocess)
