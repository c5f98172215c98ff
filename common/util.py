"""The book's ``common/util.py`` names in one place, plus evaluation helpers.

Text utilities live in ``common.text`` and gradient utilities in
``common.grad_utils``; they are re-exported here for book compatibility.
"""
import inspect
import math
import sys

import numpy

from common.grad_utils import clip_grads, clip_grads_value, remove_duplicate  # noqa: F401
from common.np import np, to_cpu, to_gpu  # noqa: F401
from common.text import (analogy, convert_one_hot, cos_similarity, create_co_matrix,  # noqa: F401
                         create_contexts_target, most_similar, normalize, ppmi, preprocess)


def _accepts(fn, name):
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def eval_perplexity(model, corpus, batch_size=10, time_size=35, verbose=False):
    """Perplexity of a language model on a 1-D id sequence, read as the book does.

    Call ``model.reset_state()`` first: the hidden state carries across batches.
    """
    corpus = to_gpu(numpy.asarray(to_cpu(corpus)))
    corpus_size = len(corpus)
    max_iters = (corpus_size - 1) // (batch_size * time_size)
    if max_iters == 0:
        raise ValueError("corpus of %d ids is too short for batch %d x time %d"
                         % (corpus_size, batch_size, time_size))
    jump = (corpus_size - 1) // batch_size
    offsets = np.arange(batch_size)[:, None] * jump
    steps = np.arange(time_size)[None, :]
    kwargs = {"train_flg": False} if _accepts(model.forward, "train_flg") else {}
    total_loss = 0.0
    for it in range(max_iters):
        pos = offsets + it * time_size + steps
        xs, ts = corpus[pos % corpus_size], corpus[(pos + 1) % corpus_size]
        total_loss += float(model.forward(xs, ts, **kwargs))
        if verbose:
            sys.stdout.write("\r| evaluating perplexity: %d / %d" % (it + 1, max_iters))
            sys.stdout.flush()
    if verbose:
        print()
    return math.exp(total_loss / max_iters)


def seq2seq_accuracy(model, questions, answers, batch_size=500):
    """Exact-match accuracy of greedy decoding.

    questions (N, T_in) ids; answers (N, 1 + T_out) ids whose first column is the
    start symbol. Returns (accuracy, guesses (N, T_out)).
    """
    guesses = []
    for i in range(0, len(questions), batch_size):
        q = questions[i:i + batch_size]
        a = answers[i:i + batch_size]
        guesses.append(to_cpu(model.generate(q, int(a[0, 0]), a.shape[1] - 1)))
    guesses = numpy.concatenate(guesses)
    correct = (guesses == to_cpu(answers)[:, 1:]).all(axis=1)
    return float(correct.mean()), guesses


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
