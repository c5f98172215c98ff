"""Train GloVe on PTB (window 10, 1/distance counts, f(x) = min(1, (x/100)^0.75), AdaGrad) and
evaluate it with the same analogy questions as CBOW and PPMI+SVD.

    python -m ch04.train_glove --epochs 25
"""
import time

import numpy

from ch04.glove import GloVe, glove_batches_data
from ch04.train import show_queries
from common.batches import ShuffledBatches
from common.cli import fit, main_guard, positive_float, positive_int, run_extra, start_training, training_parser
from common.np import to_cpu
from common.optimizer import AdaGrad
from common.text import analogy_accuracy, cooccurrence_pairs, format_report, save_word_vectors
from common.training_loop import TrainingLoop
from dataset import analogy as analogy_set
from dataset import ptb

DRY_RUN_TOKENS = 5000


def build_parser():
    """The command line of ``python -m ch04.train_glove``."""
    p = training_parser("ch04.train_glove", __doc__, out_dir="runs/glove", epochs=25, batch_size=1000, lr=0.05,
                        eval_interval=1000)
    p.add_argument("--hidden-size", type=positive_int, default=100, help="word-vector size D")
    p.add_argument("--window-size", type=positive_int, default=10, help="context words on each side")
    p.add_argument("--x-max", type=positive_float, default=100.0, help="counts above this get weight 1")
    p.add_argument("--alpha", type=positive_float, default=0.75, help="exponent of the weighting function")
    p.add_argument("--limit-tokens", type=positive_int, default=None, help="count only the first N ids (default: all)")
    return p


def main(argv=None):
    args, run = start_training(build_parser(), argv)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    limit = DRY_RUN_TOKENS if args.dry_run else args.limit_tokens
    if limit:
        corpus = corpus[:limit]
    start = time.time()
    rows, cols, counts = cooccurrence_pairs(corpus, len(word_to_id), args.window_size)
    print("%d non-zero co-occurrence counts (window %d, 1/distance) in %.0f s"
          % (len(counts), args.window_size, time.time() - start))
    model = GloVe(len(word_to_id), args.hidden_size, rng=numpy.random.default_rng(args.seed))
    data = glove_batches_data(rows, cols, counts, args.x_max, args.alpha)
    training = TrainingLoop(model, AdaGrad(args.lr), ShuffledBatches(data, args.batch_size, args.seed),
                        max_grad=args.max_grad, run=run, extra=run_extra(args, id_to_word),
                        eval_interval=args.eval_interval)
    fit(training, args, run)
    word_vecs = to_cpu(model.word_vecs)
    show_queries(word_vecs, word_to_id, id_to_word)
    report = analogy_accuracy(word_vecs, word_to_id, analogy_set.load_questions())
    print(format_report(report))
    correct, asked, _ = report["total"]
    if run:
        print("saved %s" % save_word_vectors(run.file("glove_vectors.npz"), word_vecs, id_to_word))
        run.append({"kind": "result", "analogy_accuracy": correct / max(asked, 1),
                    "analogy": {k: list(v) for k, v in report.items()}})
    return report


if __name__ == "__main__":
    main_guard(main)
