"""Evaluation metrics, and the evaluators the training loop calls after every epoch.

An evaluator is a callable ``evaluator(model) -> float`` with a ``name`` and a
``higher_is_better`` flag; it may leave extra numbers in ``details`` (a dict)
for the epoch record.
"""
import contextlib
import math
import os
import sys

import numpy

from common.np import np, to_cpu, to_gpu
from common.progress import progress


def perplexity(mean_loss):
    """exp(mean cross-entropy), inf instead of an overflow for a diverged model."""
    return math.exp(mean_loss) if mean_loss < 709.0 else math.inf


def evaluation_mode(model):
    """``with evaluation_mode(model):`` dropout off inside, the previous mode restored after."""
    return model.mode(False) if hasattr(model, "mode") else contextlib.nullcontext()


def eval_perplexity(model, corpus, batch_size=10, time_size=35, verbose=False):
    """Perplexity of a language model on a 1-D id sequence, read as the book does:
    ``batch_size`` rows, windows of ``time_size`` ids, the hidden state carried on.

    Call ``model.reset_state()`` first (``Perplexity`` does it for you).
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
    total_loss = 0.0
    with evaluation_mode(model):
        for it in progress(range(max_iters), desc="perplexity", enabled=verbose):
            pos = offsets + it * time_size + steps
            xs, ts = corpus[pos % corpus_size], corpus[(pos + 1) % corpus_size]
            total_loss += float(model.forward(xs, ts))
    return perplexity(total_loss / max_iters)


def seq2seq_accuracy(model, questions, answers, batch_size=500, verbose=False):
    """Exact-match accuracy of greedy decoding.

    questions (N, T_in) ids; answers (N, 1 + T_out) ids whose first column is the
    start symbol. Returns (accuracy, guesses (N, T_out)).
    """
    guesses = []
    for i in progress(range(0, len(questions), batch_size), desc="decoding", enabled=verbose):
        q = questions[i:i + batch_size]
        a = answers[i:i + batch_size]
        guesses.append(to_cpu(model.generate(q, int(a[0, 0]), a.shape[1] - 1)))
    guesses = numpy.concatenate(guesses)
    correct = (guesses == to_cpu(answers)[:, 1:]).all(axis=1)
    return float(correct.mean()), guesses


def eval_seq2seq(model, question, correct, id_to_char, verbose=False, is_reverse=False):
    """The book's check of one question: 1 if greedy decoding gives exactly ``correct``, else 0.

    question (1, T_in) ids; correct (1, 1 + T_out) ids whose first id is the start symbol;
    ``model.generate(question, start_id, T_out)`` gives the guess. With ``verbose`` it prints
    the question (read back the right way round when ``is_reverse``), the answer and the
    guess marked right or wrong.
    """
    correct = numpy.asarray(to_cpu(correct)).reshape(-1)
    start_id, correct = int(correct[0]), correct[1:]
    guess = model.generate(question, start_id, len(correct))
    guess = numpy.asarray(to_cpu(guess) if hasattr(guess, "shape") else guess).reshape(-1)
    right = guess.shape == correct.shape and bool((guess == correct).all())
    if verbose:
        def text(ids):
            return "".join(id_to_char[int(i)] for i in ids)
        q = text(numpy.asarray(to_cpu(question)).reshape(-1))
        print("Q", q[::-1] if is_reverse else q)
        print("T", text(correct))
        colour = sys.stdout.isatty() and os.name != "nt"
        mark = ("\033[92m☑\033[0m" if colour else "O") if right else ("\033[91m☒\033[0m" if colour else "X")
        print(mark, text(guess))
        print("---")
    return 1 if right else 0


class Perplexity:
    """Validation perplexity of a language model on ``corpus``, state reset before and after."""

    name = "perplexity"
    higher_is_better = False

    def __init__(self, corpus, batch_size=10, time_size=35, verbose=True):
        self.corpus, self.batch_size, self.time_size, self.verbose = corpus, batch_size, time_size, verbose
        self.details = {}

    def __call__(self, model):
        model.reset_state()
        value = eval_perplexity(model, self.corpus, self.batch_size, self.time_size, self.verbose)
        model.reset_state()
        return value


class Seq2seqAccuracy:
    """Exact-match accuracy of greedy answers to held-out questions."""

    name = "accuracy"
    higher_is_better = True

    def __init__(self, questions, answers, batch_size=500, verbose=True):
        self.questions, self.answers, self.batch_size, self.verbose = questions, answers, batch_size, verbose
        self.guesses = None
        self.details = {}

    def __call__(self, model):
        acc, self.guesses = seq2seq_accuracy(model, self.questions, self.answers, self.batch_size, self.verbose)
        return acc


class ClassifierAccuracy:
    """Accuracy (and mean loss, in ``details``) of a classifier ``predict(*inputs) -> scores (N, C)``.

    ``datasets`` maps a name to (inputs..., labels); the first one is the metric,
    the others are reported in ``details`` (e.g. train accuracy next to test).
    With ``padded=True`` the inputs are (ids (N, T), lengths (N,)) and every batch is
    cut at its longest row.
    """

    name = "accuracy"
    higher_is_better = True

    def __init__(self, datasets, batch_size=256, verbose=True, padded=True):
        self.datasets, self.batch_size, self.verbose, self.padded = datasets, batch_size, verbose, padded
        self.details = {}

    def _evaluate(self, model, *data):
        inputs, labels = data[:-1], data[-1]
        host_lengths = to_cpu(inputs[1]) if self.padded else None
        correct, loss = 0, 0.0
        for s in progress(range(0, len(labels), self.batch_size), desc="accuracy", enabled=self.verbose):
            sl = slice(s, s + self.batch_size)
            if self.padded:
                T = int(host_lengths[sl].max())
                scores = model.predict(inputs[0][sl, :T], inputs[1][sl])
            else:
                scores = model.predict(*(x[sl] for x in inputs))
            loss += float(model.loss_layer.forward(scores, labels[sl])) * len(labels[sl])
            correct += int((scores.argmax(axis=1) == labels[sl]).sum())
        return correct / len(labels), loss / len(labels)

    def __call__(self, model):
        self.details = {}
        first = None
        for name, data in self.datasets.items():
            acc, loss = self._evaluate(model, *data)
            self.details["%s_accuracy" % name], self.details["%s_loss" % name] = acc, loss
            first = acc if first is None else first
        return first
