"""Train seq2seq on the addition set (book 7.3-7.4) and report exact-match accuracy per epoch.

    python -m ch07.train_seq2seq                      # plain: about 10% after 25 epochs
    python -m ch07.train_seq2seq --reverse            # about 50%
    python -m ch07.train_seq2seq --reverse --model peeky   # near 100%
"""
import functools

import numpy

from ch07.peeky_seq2seq import PeekySeq2seq
from ch07.seq2seq import Seq2seq
from common.batches import ShuffledBatches
from common.cli import fit, main_guard, positive_float, positive_int, run_extra, start_training, training_parser
from common.evaluation import Seq2seqAccuracy
from common.np import to_gpu
from common.optimizer import Adam
from common.plot import plot_curve
from common.training_loop import TrainingLoop
from dataset import sequence

MODELS = {"plain": Seq2seq, "peeky": PeekySeq2seq}
DRY_RUN_PAIRS = 512


def build_parser(module, doc, models, data, model, reverse, epochs, hidden):
    """The command line of the seq2seq scripts (ch07.train_seq2seq, ch08.train)."""
    p = training_parser(module, doc, out_dir="runs/seq2seq", epochs=epochs, batch_size=128, lr=0.001, max_grad=5.0)
    p.set_defaults(out_dir=None)
    p._option_string_actions["--out-dir"].help += " (default %(default)s: runs/seq2seq/DATA_MODEL[_reversed])"
    p.add_argument("--data", default=data, choices=sorted(sequence.FILES), help="data set")
    p.add_argument("--model", choices=sorted(models), default=model, help="seq2seq variant")
    p.add_argument("--reverse", action="store_true", default=reverse,
                   help="feed the question reversed (default: %s)" % ("yes" if reverse else "no"))
    p.add_argument("--no-reverse", dest="reverse", action="store_false",
                   help="feed the question as written (default: %s)" % ("no" if reverse else "yes"))
    if "attention" in models:
        p.add_argument("--bidirectional", action="store_true", help="bidirectional encoder")
    p.add_argument("--wordvec-size", type=positive_int, default=16, help="character-vector size D")
    p.add_argument("--hidden-size", type=positive_int, default=hidden, help="hidden size H")
    p.add_argument("--lr-decay", type=positive_float, default=1.0,
                   help="multiply the learning rate by this after every epoch (1: constant, the book's setting)")
    p.add_argument("--decay-last", type=positive_int, default=None,
                   help="decay the learning rate linearly towards 0 over the last K epochs (off by default; "
                        "K = 5 took reversed + peeky to >= 99.5%% at epoch 25 in 3 of 3 seeds, docs/RESULTS.md)")
    p.add_argument("--limit", type=positive_int, default=None,
                   help="use only the first N training pairs (quick runs; default: all)")
    return p


def decode(ids, id_to_char):
    """The characters of ids."""
    return "".join(id_to_char[int(i)] for i in ids)


def show_examples(questions, answers, guesses, id_to_char, reverse, n=3):
    """Print n questions with the right and the guessed answer."""
    for q, a, g in zip(questions[:n], answers[:n], guesses[:n]):
        q = decode(q, id_to_char)
        print("Q %s  T %s  %s %s" % (q[::-1] if reverse else q, decode(a[1:], id_to_char),
                                      "O" if (g == a[1:]).all() else "X", decode(g, id_to_char)))


def learning_rate(epoch, lr0, args):
    """lr of epoch ``epoch`` (from 0): lr0 * lr_decay^epoch, and in the last ``decay_last`` epochs
    a linear ramp down to lr0 / (decay_last + 1) in the final one."""
    lr = lr0 * args.lr_decay ** epoch
    left = args.epochs - epoch                      # epochs left, this one included
    if args.decay_last and left <= args.decay_last:
        lr *= left / (args.decay_last + 1)
    return lr


def run_name(args):
    """The run's folder name: <data>_<model>[_reversed]."""
    return "%s_%s%s" % (args.data.split(".")[0], args.model, "_reversed" if args.reverse else "")


def main(argv=None, module="ch07.train_seq2seq", doc=__doc__, models=MODELS, **defaults):
    defaults = {"data": "addition.txt", "model": "plain", "reverse": False, "epochs": 25, "hidden": 128, **defaults}
    p = build_parser(module, doc, models, **defaults)
    first = p.parse_args(argv)
    if first.out_dir is None:
        p.set_defaults(out_dir="runs/seq2seq/" + run_name(first))
    args, run = start_training(p, argv)
    (x_train, t_train), (x_test, t_test) = sequence.load_data(args.data)
    char_to_id, id_to_char = sequence.get_vocab(args.data)
    limit = DRY_RUN_PAIRS if args.dry_run else args.limit
    if limit:
        x_train, t_train = x_train[:limit], t_train[:limit]
    if args.dry_run:
        x_test, t_test = x_test[:200], t_test[:200]
    if args.reverse:
        x_train, x_test = x_train[:, ::-1].copy(), x_test[:, ::-1].copy()
    kwargs = {"bidirectional": True} if getattr(args, "bidirectional", False) else {}
    model = models[args.model](len(char_to_id), args.wordvec_size, args.hidden_size,
                               rng=numpy.random.default_rng(args.seed), **kwargs)
    evaluator = Seq2seqAccuracy(to_gpu(x_test), to_gpu(t_test))
    schedule = functools.partial(learning_rate, args=args) if args.lr_decay != 1.0 or args.decay_last else None
    training = TrainingLoop(model, Adam(args.lr), ShuffledBatches((to_gpu(x_train), to_gpu(t_train)), args.batch_size, args.seed),
                        evaluator=evaluator, max_grad=args.max_grad, lr_schedule=schedule, run=run,
                        extra=run_extra(args, id_to_char), eval_interval=args.eval_interval)
    history = fit(training, args, run)
    accs = [r["valid"] for r in history]
    if evaluator.guesses is not None:
        show_examples(x_test, t_test, evaluator.guesses, id_to_char, args.reverse)
    if run:
        plot_curve(accs, "epochs", "accuracy", ylim=(-0.05, 1.05), path=run.file("accuracy.png"))
        run.append({"kind": "result", "accuracy": accs[-1], "best_accuracy": training.best,
                    "best_epoch": training.best_epoch})
    return accs


if __name__ == "__main__":
    main_guard(main)
