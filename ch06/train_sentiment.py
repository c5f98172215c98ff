"""Many-to-one sentiment classification (classic RNN tutorials).

    python -m ch06.train_sentiment --data tiny --cell rnn        # Zhou's 58/20 phrases: test accuracy 1.0
    python -m ch06.train_sentiment --data rt-polarity --cell lstm
    python -m ch06.train_sentiment --data movie_reviews --model bow   # bag-of-words baseline
"""
import numpy

from ch06.sequence_classifier import BagOfWordsClassifier, RnnClassifier
from common.batches import LengthBucketedBatches
from common.cli import (fit, fraction, main_guard, positive_int, run_extra, start_training,
                        training_parser)
from common.evaluation import ClassifierAccuracy
from common.np import to_gpu
from common.optimizer import OPTIMIZERS
from common.text import Vocabulary, tokenize
from common.training_loop import TrainingLoop
from dataset import sentiment, tiny_sentiment

DATASETS = {
    "tiny": tiny_sentiment.load_data,
    "rt-polarity": sentiment.rt_polarity,
    "movie_reviews": sentiment.movie_reviews,
}
DRY_RUN_SAMPLES = 64


def build_parser():
    """The command line of ``python -m ch06.train_sentiment``."""
    p = training_parser("ch06.train_sentiment", __doc__, out_dir="runs/sentiment", epochs=None, batch_size=None,
                        lr=None, max_grad=5.0)
    p.set_defaults(out_dir=None)
    for a in p._actions:
        if a.dest in ("epochs", "batch_size", "lr", "out_dir"):
            a.help += " (default %%(default)s: %s)" % {"epochs": "300 for tiny, 5 otherwise",
                                                 "batch_size": "1 for tiny, 32 otherwise",
                                                 "lr": "0.02 for tiny, 0.002 otherwise",
                                                 "out_dir": "runs/sentiment/DATA_MODEL"}[a.dest]
    p.add_argument("--data", choices=sorted(DATASETS), default="tiny", help="data set")
    p.add_argument("--model", choices=["rnn", "bow"], default="rnn", help="recurrent classifier or bag of words")
    p.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="rnn", help="recurrent cell (--model rnn)")
    p.add_argument("--wordvec-size", type=positive_int, default=64, help="word-vector size D")
    p.add_argument("--hidden-size", type=positive_int, default=64, help="hidden size H")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=None,
                   help="optimizer (default None: sgd for tiny, adam otherwise)")
    p.add_argument("--dropout", type=fraction, default=0.0, help="dropout ratio before the output layer")
    p.add_argument("--min-freq", type=positive_int, default=2, help="drop words seen fewer times (not for tiny)")
    p.add_argument("--max-len", type=positive_int, default=400, help="cut documents after this many tokens")
    return p


def main(argv=None):
    p = build_parser()
    args = p.parse_args(argv)
    tiny = args.data == "tiny"
    name = "%s_%s" % (args.data, "bow" if args.model == "bow" else args.cell)
    defaults = {"epochs": 300 if tiny else 5, "batch_size": 1 if tiny else 32, "lr": 0.02 if tiny else 0.002,
                "optimizer": "sgd" if tiny else "adam", "out_dir": "runs/sentiment/" + name}
    p.set_defaults(**{k: v for k, v in defaults.items() if getattr(args, k) is None})
    args, run = start_training(p, argv)
    (train_x, train_y), (test_x, test_y) = DATASETS[args.data]()
    if args.dry_run:
        train_x, train_y, test_x, test_y = train_x[:DRY_RUN_SAMPLES], train_y[:DRY_RUN_SAMPLES], test_x[:32], test_y[:32]
    train_tok, test_tok = [tokenize(t) for t in train_x], [tokenize(t) for t in test_x]
    vocab = Vocabulary.from_tokens(train_tok, order="frequency", min_freq=1 if tiny else args.min_freq,
                                   specials=("<pad>", "<unk>"), unk="<unk>")
    ids, lengths = vocab.pad_batch(train_tok, args.max_len)
    test_ids, test_lengths = vocab.pad_batch(test_tok, args.max_len)
    train = tuple(map(to_gpu, (ids, lengths, numpy.array(train_y))))
    test = tuple(map(to_gpu, (test_ids, test_lengths, numpy.array(test_y))))
    rng = numpy.random.default_rng(args.seed)
    if args.model == "bow":
        model = BagOfWordsClassifier(len(vocab), args.wordvec_size, rng=rng)
    else:
        model = RnnClassifier(len(vocab), args.wordvec_size, args.hidden_size, cell=args.cell,
                              dropout=args.dropout, rng=rng, embed_scale=0.1 if tiny else 0.01)
    print("%s: %d train / %d test, vocabulary %d" % (args.data, len(train_y), len(test_y), len(vocab)))
    training = TrainingLoop(model, OPTIMIZERS[args.optimizer](lr=args.lr),
                        LengthBucketedBatches(*train, args.batch_size, args.seed),
                        evaluator=ClassifierAccuracy({"test": test, "train": train}), max_grad=args.max_grad,
                        run=run, extra=run_extra(args, vocab.id_to_word), log_every=50 if tiny else 1)
    history = fit(training, args, run)
    last = dict(history[-1]["details"], epoch=history[-1]["epoch"])
    if run:
        run.append(dict(last, kind="result"))
    return last


if __name__ == "__main__":
    main_guard(main)
