"""Evaluating word vectors: analogy accuracy (3CosAdd) per section of a question set."""
import numpy

from common.text import analogy_scores


def analogy_accuracy(word_vecs, word_to_id, sections, method="3cosadd", batch_size=512):
    """Accuracy of a:b = c:d questions whose four words are all in the vocabulary.

    word_vecs (V, D); sections {name: [(a, b, c, d), ...]}. The answer is the
    best-scoring word other than a, b, c (``common.text.analogy_scores``; the
    default '3cosadd' is the standard measure, as gensim reports it).
    Returns {name: (correct, asked, total)} plus a 'total' entry.
    """
    report = {}
    all_correct = all_asked = all_total = 0
    for name, questions in sections.items():
        known = [q for q in questions if all(w in word_to_id for w in q)]
        ids = numpy.array([[word_to_id[w] for w in q] for q in known], dtype=numpy.int64).reshape(-1, 4)
        correct = 0
        for s in range(0, len(ids), batch_size):
            a, b, c, d = ids[s:s + batch_size].T
            correct += int((analogy_scores(word_vecs, a, b, c, method).argmax(axis=1) == d).sum())
        report[name] = (correct, len(known), len(questions))
        all_correct, all_asked, all_total = all_correct + correct, all_asked + len(known), all_total + len(questions)
    report["total"] = (all_correct, all_asked, all_total)
    return report


def format_report(report):
    lines = ["%-30s %8s %8s %8s" % ("section", "correct", "asked", "acc")]
    for name, (correct, asked, total) in report.items():
        acc = 100.0 * correct / asked if asked else float("nan")
        lines.append("%-30s %8d %8d %7.2f%%" % (name, correct, asked, acc))
    return "\n".join(lines)
