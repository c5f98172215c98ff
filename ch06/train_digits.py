"""Classify images read as sequences (the classic "MNIST rows as a sequence" tutorial), on
scikit-learn's bundled 8 x 8 digits (no download) or on MNIST's IDX files when you have them.

    python -m ch06.train_digits --cell lstm                   # 8 rows of 8 pixels: T = 8
    python -m ch06.train_digits --cell rnn --pixels           # pixel by pixel: T = 64, long range
    python -m ch06.train_digits --cell rnn --pixels --init irnn
    python -m ch06.train_digits --cell lstm --pixels --forget-bias 1
    python -m ch06.train_digits --mnist ~/data/mnist          # the four IDX files (or .gz)
"""
import os

import numpy

from ch06.sequence_classifier import CELLS, SequenceClassifier
from common.batches import ShuffledBatches
from common.cli import fit, main_guard, positive_int, run_extra, start_training, training_parser
from common.evaluation import ClassifierAccuracy
from common.np import to_gpu
from common.optimizer import OPTIMIZERS
from common.training_loop import TrainingLoop
from dataset.digits import load_digits
from dataset.mnist import load_mnist

DRY_RUN_IMAGES = 128


def build_parser():
    """The command line of ``python -m ch06.train_digits``."""
    p = training_parser("ch06.train_digits", __doc__, out_dir="runs/digits", epochs=20, batch_size=32, lr=0.005,
                        max_grad=1.0)
    p.add_argument("--cell", choices=sorted(CELLS), default="lstm", help="recurrent cell")
    p.add_argument("--hidden-size", type=positive_int, default=64, help="hidden size H")
    p.add_argument("--pixels", action="store_true", help="read one pixel per step (T = 64 or 784) instead of one row")
    p.add_argument("--init", choices=["xavier", "irnn"], default="xavier",
                   help="recurrent initialisation: the book's, or IRNN (ReLU RNN from Wh = I; --cell rnn)")
    p.add_argument("--forget-bias", type=float, default=0.0, help="starting bias of the LSTM forget gate")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer")
    p.add_argument("--mnist", metavar="DIR", default=None,
                   help="read MNIST's IDX files from DIR instead of the 8 x 8 digits (default None)")
    return p


def as_sequences(images, pixels):
    """(N, rows, cols) -> (N, T, D): rows as steps (T = rows, D = cols), or pixels (T = rows * cols, D = 1)."""
    N, rows, cols = images.shape
    return images.reshape(N, rows * cols, 1) if pixels else images


def main(argv=None):
    p = build_parser()
    args, run = start_training(p, argv)
    if args.init == "irnn" and args.cell != "rnn":
        p.error("--init irnn is for --cell rnn")
    if args.forget_bias and args.cell != "lstm":
        p.error("--forget-bias is for --cell lstm")
    (x, y), (x_test, y_test) = load_mnist(os.path.expanduser(args.mnist)) if args.mnist else load_digits()
    if args.dry_run:
        x, y, x_test, y_test = x[:DRY_RUN_IMAGES], y[:DRY_RUN_IMAGES], x_test[:64], y_test[:64]
    x, x_test = as_sequences(x, args.pixels), as_sequences(x_test, args.pixels)
    print("%d train / %d test sequences of %d steps x %d features" % ((len(x), len(x_test)) + x.shape[1:]))
    model = SequenceClassifier(x.shape[2], args.hidden_size, 10, args.cell, args.init, args.forget_bias,
                               rng=numpy.random.default_rng(args.seed))
    train, test = (to_gpu(x), to_gpu(y)), (to_gpu(x_test), to_gpu(y_test))
    training = TrainingLoop(model, OPTIMIZERS[args.optimizer](lr=args.lr), ShuffledBatches(train, args.batch_size, args.seed),
                        evaluator=ClassifierAccuracy({"test": test, "train": train}, padded=False),
                        max_grad=args.max_grad, run=run, extra=run_extra(args), log_every=5)
    history = fit(training, args, run)
    result = dict(history[-1]["details"], best_test_accuracy=training.best, best_epoch=training.best_epoch)
    print("test accuracy %.4f (best %.4f at epoch %s)" % (result["test_accuracy"], training.best, training.best_epoch))
    if run:
        run.append(dict(result, kind="result"))
    return result


if __name__ == "__main__":
    main_guard(main)
