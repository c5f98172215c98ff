"""Shared driver for the PTB language-model scripts of chapters 5-6.

Trains with truncated BPTT and SGD, measures validation perplexity after every
epoch, keeps the best checkpoint, divides the learning rate by --decay when
validation does not improve, and reports the test perplexity of the best model.
"""
import os
import time

import numpy

from ch05.simple_rnnlm import SimpleRnnlm
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import GruRnnlm, Rnnlm
from common.batches import BPTTBatches
from common.checkpoint import load_params_into
from common.cli import at_least_one, fit, fraction, positive_int, run_extra, start_training, training_parser
from common.evaluation import Perplexity
from common.np import to_gpu
from common.optimizer import SGD
from common.plot import plot_curve
from common.training_loop import TrainingLoop
from dataset import ptb

MODELS = {"rnn": SimpleRnnlm, "lstm": Rnnlm, "gru": GruRnnlm, "better": BetterRnnlm}
DRY_RUN_TOKENS = 2000


def build_parser(module, doc, recipe):
    """The command line shared by the PTB language-model scripts; ``recipe`` (a script's RECIPE) gives the defaults."""
    r = recipe
    p = training_parser(module, doc, out_dir=os.path.join("runs", r["model"]), epochs=r["epochs"],
                        batch_size=r["batch_size"], lr=r["lr"], max_grad=r["max_grad"], eval_interval=20)
    p.add_argument("--model", choices=sorted(MODELS), default=r["model"], help="recurrent layer(s) of the model")
    p.add_argument("--time-size", type=positive_int, default=r["time_size"],
                   help="time steps per BPTT batch (also the validation window)")
    p.add_argument("--wordvec-size", type=positive_int, default=r["wordvec_size"], help="word-vector size D")
    p.add_argument("--hidden-size", type=positive_int, default=r["hidden_size"], help="hidden size H")
    p.add_argument("--dropout", type=fraction, default=r.get("dropout", 0.5), help="dropout ratio (BetterRnnlm only)")
    p.add_argument("--decay", type=at_least_one, default=r["lr_decay"],
                   help="divide lr by this when validation perplexity does not improve (1: never)")
    p.add_argument("--limit-tokens", type=positive_int, default=None,
                   help="use only the first N ids of every split (quick runs; default: all)")
    return p


def main(argv, module, doc, recipe):
    """Train the recipe's model on PTB (the options override the recipe), then report the test perplexity."""
    args, run = start_training(build_parser(module, doc, recipe), argv)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    valid, _, _ = ptb.load_data("valid")
    test, _, _ = ptb.load_data("test")
    limit = DRY_RUN_TOKENS if args.dry_run else args.limit_tokens
    if limit:
        corpus, valid, test = (c[:limit] for c in (corpus, valid, test))
    corpus, valid, test = to_gpu(corpus), to_gpu(valid), to_gpu(test)
    kwargs = dict(vocab_size=len(word_to_id), wordvec_size=args.wordvec_size, hidden_size=args.hidden_size,
                  rng=numpy.random.default_rng(args.seed))
    if args.model == "better":
        kwargs["dropout_ratio"] = args.dropout
    model = MODELS[args.model](**kwargs)
    training = TrainingLoop(model, SGD(args.lr), BPTTBatches(corpus[:-1], corpus[1:], args.batch_size, args.time_size),
                        evaluator=Perplexity(valid, batch_size=10, time_size=args.time_size),
                        max_grad=args.max_grad, plateau_decay=args.decay if args.decay > 1 else None,
                        run=run, extra=run_extra(args, id_to_word), eval_interval=args.eval_interval,
                        report="perplexity")
    fit(training, args, run)
    if run:
        plot_curve(training.interval_history, "iterations (x%d)" % args.eval_interval, "perplexity",
                   path=run.file("train_perplexity.png"))
        if training.best_epoch is not None:
            load_params_into(model, run.best)
    test_start = time.time()
    test_ppl = Perplexity(test, batch_size=10, time_size=args.time_size)(model)
    test_seconds = time.time() - test_start
    print("test perplexity: %.2f (model after epoch %s)" % (test_ppl, training.best_epoch))
    if run:
        run.append({"kind": "result", "test_perplexity": test_ppl, "best_epoch": training.best_epoch,
                    "best_valid_perplexity": training.best, "test_seconds": test_seconds})
    return test_ppl
