"""Train CBOW or skip-gram with negative sampling on PTB (book 4.3), then evaluate analogies.

    python -m ch04.train --epochs 10            # the book's settings
    python -m ch04.train --model skipgram --epochs 5
    python -m ch04.train --epochs 10 --subsample 1e-3 --optimizer sgd --lr 10 --linear-decay   # gensim's recipe
"""
import numpy

from ch04.cbow import CBOW
from ch04.skip_gram import SkipGram
from common.batches import ShuffledBatches
from common.cli import fit, fraction, main_guard, positive_int, run_extra, start_training, training_parser
from common.hogwild import HogwildTrainingLoop
from common.np import to_cpu, to_gpu
from common.optimizer import OPTIMIZERS
from common.text import (analogy, analogy_accuracy, create_contexts_target, dynamic_window, format_report,
                         most_similar, save_word_vectors, subsample)
from common.training_loop import TrainingLoop
from dataset import analogy as analogy_set
from dataset import ptb

MODELS = {"cbow": CBOW, "skipgram": SkipGram}
DRY_RUN_TOKENS = 3000


def build_parser():
    """The command line of ``python -m ch04.train``."""
    p = training_parser("ch04.train", __doc__, out_dir="runs/word2vec", epochs=10, batch_size=100, lr=0.001,
                        eval_interval=1000)
    p.add_argument("--model", choices=sorted(MODELS), default="cbow", help="word2vec model")
    p.add_argument("--window-size", type=positive_int, default=5, help="context words on each side")
    p.add_argument("--hidden-size", type=positive_int, default=100, help="word-vector size H")
    p.add_argument("--negatives", type=positive_int, default=5, help="negative samples per target")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer")
    p.add_argument("--linear-decay", action="store_true",
                   help="decay the learning rate linearly to 0.01%% of its start over the epochs (as gensim does)")
    p.add_argument("--subsample", type=fraction, default=0.0,
                   help="frequent-word subsampling threshold, e.g. 1e-3 (0: off, the book's setting)")
    p.add_argument("--dynamic-window", action="store_true",
                   help="every target reads a window of 1..--window-size words, drawn uniformly (word2vec and gensim)")
    p.add_argument("--contiguous-batches", action="store_true",
                   help="every batch is a run of consecutive targets, batches in random order (as word2vec's "
                        "workers read text): 1.4x the targets/s at batch 1,000, same analogy accuracy")
    p.add_argument("--workers", type=positive_int, default=1,
                   help="processes sharing the epoch's batches, Hogwild! style as gensim's workers (SGD only; "
                        "with more than 1 a run is no longer repeatable to the last digit)")
    p.add_argument("--shared-negatives", action="store_true",
                   help="skip-gram only: the pairs of one target share its --negatives draws (HogBatch, "
                        "arXiv:1604.04661): fewer rows gathered per step; see docs/RESULTS.md for its speed and accuracy")
    p.add_argument("--limit-tokens", type=positive_int, default=None,
                   help="train on the first N ids only (quick runs; default: all)")
    return p


def show_queries(word_vecs, word_to_id, id_to_word):
    """Print the book's nearest-word and analogy queries for the words that are in the vocabulary."""
    for q in ("you", "year", "car", "toyota"):
        if q in word_to_id:
            most_similar(q, word_to_id, id_to_word, word_vecs, top=5)
    for a, b, c in (("king", "man", "queen"), ("take", "took", "go"), ("car", "cars", "child"), ("good", "better", "bad")):
        if all(w in word_to_id for w in (a, b, c)):
            analogy(a, b, c, word_to_id, id_to_word, word_vecs, top=5)


def check_workers(p, args):
    """Refuse --workers > 1 with an optimizer that keeps state: only SGD's updates can be shared."""
    if args.workers > 1 and args.optimizer != "sgd":
        p.error("--workers %d needs --optimizer sgd: Hogwild! workers share the weights but could not share "
                "the state of %s" % (args.workers, args.optimizer))


def model_options(p, args):
    """SkipGram's ``shared_negatives`` from the command line; refused for CBOW (one positive per row)."""
    if not getattr(args, "shared_negatives", False):
        return {}
    if args.model != "skipgram":
        p.error("--shared-negatives is for --model skipgram (a CBOW row has one positive, nothing to share)")
    return {"shared_negatives": True}


def main(argv=None):
    p = build_parser()
    first = p.parse_args(argv)
    if not first.resume:
        check_workers(p, first)
        model_options(p, first)
    args, run = start_training(p, argv)
    if first.resume:                              # the optimizer and the model are the resumed run's
        check_workers(p, args)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    limit = DRY_RUN_TOKENS if args.dry_run else args.limit_tokens
    if limit:
        corpus = corpus[:limit]

    def epoch_data(epoch):
        """Contexts and targets of one epoch (subsampled and windowed afresh, seeded by (seed, epoch))."""
        rng = numpy.random.default_rng([args.seed, epoch])
        words = subsample(corpus, args.subsample, rng) if args.subsample else corpus
        contexts, target = create_contexts_target(words, args.window_size)
        if args.dynamic_window:
            contexts = dynamic_window(contexts, args.window_size, rng)
        return to_gpu(contexts), to_gpu(target)

    model = MODELS[args.model](len(word_to_id), args.hidden_size, args.window_size, corpus,
                               sample_size=args.negatives, rng=numpy.random.default_rng(args.seed), seed=args.seed,
                               **model_options(p, args))
    schedule = (lambda epoch, lr0: lr0 * max(1e-4, 1 - epoch / args.epochs)) if args.linear_decay else None
    per_epoch = args.subsample or args.dynamic_window
    batches = ShuffledBatches(epoch_data if per_epoch else epoch_data(0), args.batch_size, args.seed,
                              contiguous=args.contiguous_batches)
    options = dict(max_grad=args.max_grad, lr_schedule=schedule, run=run, extra=run_extra(args, id_to_word),
                   eval_interval=args.eval_interval)
    optimizer = OPTIMIZERS[args.optimizer](lr=args.lr)
    if args.workers > 1:
        training = HogwildTrainingLoop(model, optimizer, batches, workers=args.workers, seed=args.seed, **options)
    else:
        training = TrainingLoop(model, optimizer, batches, **options)
    fit(training, args, run)
    seconds = sum(r["seconds"] for r in training.history)
    targets_per_s = sum(r["iterations"] for r in training.history) * args.batch_size / max(seconds, 1e-9)
    print("trained %d epochs in %.0f s: %.0f targets/s" % (training.epoch, seconds, targets_per_s))
    word_vecs = to_cpu(training.model.word_vecs)
    if run:
        print("saved %s" % save_word_vectors(run.file("%s_vectors.npz" % args.model), word_vecs, id_to_word))
    show_queries(word_vecs, word_to_id, id_to_word)
    questions = analogy_set.load_questions()
    report = analogy_accuracy(word_vecs, word_to_id, questions)
    print(format_report(report))
    book_report = analogy_accuracy(word_vecs, word_to_id, questions, method="book")
    print("with the book's scoring: %d / %d" % book_report["total"][:2])
    correct, asked, _ = report["total"]
    if run:
        run.append({"kind": "result", "seconds": seconds, "targets_per_s": targets_per_s,
                    "analogy": {k: list(v) for k, v in report.items()}, "analogy_accuracy": correct / max(asked, 1),
                    "analogy_accuracy_book_scoring": book_report["total"][0] / max(asked, 1)})
    return report


if __name__ == "__main__":
    main_guard(main)
