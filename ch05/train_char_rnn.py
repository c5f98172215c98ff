"""Character-level language model on tinyshakespeare: train/valid perplexity curves and
samples primed from a string.

    python -m ch05.train_char_rnn --cell lstm --epochs 5 --prime "ROMEO:"
    python -m ch05.train_char_rnn --cell rnncf
"""
import numpy

from ch05.char_lm import CharLM
from common.batches import BPTTBatches
from common.cli import (fit, fraction, main_guard, positive_float, positive_int, run_extra, start_training,
                        training_parser)
from common.evaluation import Perplexity, perplexity
from common.generation import sample_text
from common.optimizer import Adam
from common.plot import plot_curve
from common.training_loop import TrainingLoop
from dataset.text_corpus import load_chars

DRY_RUN_CHARS = 5000


def build_parser(module="ch05.train_char_rnn", doc=__doc__, out_dir="runs/char_rnn"):
    """The command line of a character-LM script."""
    p = training_parser(module, doc, out_dir=out_dir, epochs=5, batch_size=64, lr=0.003, max_grad=5.0)
    p.add_argument("--cell", choices=["rnn", "lstm", "gru", "rnncf"], default="lstm", help="recurrent cell")
    p.add_argument("--time-size", type=positive_int, default=50, help="time steps per BPTT batch (also the validation window)")
    p.add_argument("--wordvec-size", type=positive_int, default=32, help="character-vector size D")
    p.add_argument("--hidden-size", type=positive_int, default=128, help="hidden size H")
    p.add_argument("--num-layers", type=positive_int, default=1, help="stacked recurrent layers (not for rnncf)")
    p.add_argument("--dropout", type=fraction, default=0.0, help="dropout between stacked layers")
    p.add_argument("--context-size", type=positive_int, default=None, help="RNN-CF context units (default None: the hidden size)")
    p.add_argument("--alpha", type=fraction, default=0.9, help="RNN-CF context decay")
    add_char_lm_options(p)
    return p


def add_char_lm_options(p):
    """Options every character-LM script shares: data size, lr decay, and the sample it prints."""
    p.add_argument("--decay", type=positive_float, default=2.0, help="divide lr by this when validation does not improve")
    p.add_argument("--limit-chars", type=positive_int, default=None,
                   help="train on the first N characters (validate on N/9; quick runs; default: all)")
    p.add_argument("--prime", default="ROMEO:", help="text that starts the generated sample")
    p.add_argument("--sample-length", type=positive_int, default=300, help="characters to generate")
    p.add_argument("--temperature", type=positive_float, default=0.8, help="sampling temperature")


def load_text_ids(args):
    """(train ids, valid ids, char_to_id, id_to_char) of tinyshakespeare, cut by --limit-chars / --dry-run."""
    train, valid, char_to_id, id_to_char = load_chars()
    limit = DRY_RUN_CHARS if args.dry_run else args.limit_chars
    if limit:
        train, valid = train[:limit], valid[:max(limit // 9, 2000)]
    return train, valid, char_to_id, id_to_char


def report_sample(model, args, char_to_id, id_to_char, training, run):
    """Print a sample primed with --prime and record it with the best validation perplexity."""
    sample = sample_text(model, args.prime, args.sample_length, char_to_id, id_to_char, args.temperature, args.seed)
    print("----- sample -----\n%s\n------------------" % sample)
    if run:
        run.append({"kind": "result", "best_valid_perplexity": training.best, "sample": sample})
    return sample


def main(argv=None):
    p = build_parser()
    first = p.parse_args(argv)
    if first.cell == "rnncf" and first.num_layers != 1:
        p.error("--num-layers: the RNN-CF model has one layer")
    args, run = start_training(p, argv)
    train, valid, char_to_id, id_to_char = load_text_ids(args)
    model = CharLM(len(char_to_id), args.wordvec_size, args.hidden_size, args.cell, args.context_size,
                   args.alpha, rng=numpy.random.default_rng(args.seed), num_layers=args.num_layers, dropout=args.dropout)
    training = TrainingLoop(model, Adam(args.lr), BPTTBatches(train[:-1], train[1:], args.batch_size, args.time_size),
                        evaluator=Perplexity(valid, batch_size=10, time_size=args.time_size), max_grad=args.max_grad,
                        plateau_decay=args.decay, run=run, extra=run_extra(args, id_to_char), report="perplexity")
    history = fit(training, args, run)
    if run:
        plot_curve([[perplexity(r["train_loss"]) for r in history], [r["valid"] for r in history]],
                   "epoch", "perplexity (per character)", labels=["train", "valid"], title="char %s" % args.cell,
                   path=run.file("char_%s_perplexity.png" % args.cell))
    report_sample(model, args, char_to_id, id_to_char, training, run)
    return history


if __name__ == "__main__":
    main_guard(main)
