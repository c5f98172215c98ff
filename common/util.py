"""The book's ``common/util.py`` names in one place.

Text utilities live in ``common.text``, gradient utilities in ``common.grad_utils``
and metrics in ``common.evaluation``; they are re-exported here for book compatibility.
"""
from common.evaluation import eval_perplexity, perplexity, seq2seq_accuracy  # noqa: F401
from common.grad_utils import clip_grads, clip_grads_value, remove_duplicate  # noqa: F401
from common.np import np, to_cpu, to_gpu  # noqa: F401
from common.text import (analogy, convert_one_hot, cos_similarity, create_co_matrix,  # noqa: F401
                         create_contexts_target, most_similar, normalize, ppmi, preprocess)


def eval_seq2seq(model, question, correct, id_to_char, verbose=False, is_reverse=False):
    """Book interface: 1 if the generated answer equals ``correct`` (1, 1 + T_out), else 0."""
    correct = to_cpu(correct).flatten()
    start_id = int(correct[0])
    correct = correct[1:]
    guess = [int(g) for g in to_cpu(model.generate(question, start_id, len(correct))).flatten()]
    question = "".join(id_to_char[int(c)] for c in to_cpu(question).flatten())
    correct_s = "".join(id_to_char[int(c)] for c in correct)
    guess_s = "".join(id_to_char[int(c)] for c in guess)
    if verbose:
        if is_reverse:
            question = question[::-1]
        mark = "O" if guess_s == correct_s else "X"
        print("Q", question)
        print("T", correct_s)
        print(mark, guess_s)
        print("---")
    return 1 if guess_s == correct_s else 0
