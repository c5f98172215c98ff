"""Shared driver for the PTB language-model scripts of chapters 5-6.

Trains one epoch at a time, measures validation perplexity after each, keeps
the best checkpoint, divides the learning rate by --decay when validation does
not improve, and finally reports the test perplexity of the best model.
"""
import argparse
import math
import os
import time

from ch05.simple_rnnlm import SimpleRnnlm
from ch06.rnnlm import BetterRnnlm, GruRnnlm, Rnnlm
from common.cli import add_common_args, setup_run, write_result
from common.lm_training import fit_with_validation
from common.np import to_gpu
from common.optimizer import SGD
from common.trainer import RnnlmTrainer
from common.util import eval_perplexity
from dataset import ptb

MODELS = {"rnn": SimpleRnnlm, "lstm": Rnnlm, "gru": GruRnnlm, "better": BetterRnnlm}


def build_parser(description, **defaults):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", choices=sorted(MODELS), default=defaults["model"])
    p.add_argument("--epochs", type=int, default=defaults["epochs"])
    p.add_argument("--batch-size", type=int, default=20)
    p.add_argument("--time-size", type=int, default=35)
    p.add_argument("--wordvec-size", type=int, default=defaults["hidden"])
    p.add_argument("--hidden-size", type=int, default=defaults["hidden"])
    p.add_argument("--dropout", type=float, default=0.5, help="BetterRnnlm only")
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--max-grad", type=float, default=0.25)
    p.add_argument("--decay", type=float, default=defaults["decay"],
                   help="divide lr by this when validation perplexity does not improve (1 = never)")
    p.add_argument("--limit-tokens", type=int, default=None, help="use only the first N training ids (smoke tests)")
    p.add_argument("--eval-interval", type=int, default=20)
    p.add_argument("--resume", metavar="CHECKPOINT", default=None,
                   help="start from a checkpoint of the same model (its validation perplexity becomes the best so far)")
    p.add_argument("--first-epoch", type=int, default=1, help="number of the first epoch, when resuming")
    add_common_args(p, os.path.join("runs", defaults["model"]))
    return p


def main(argv, description, **defaults):
    args = build_parser(description, **defaults).parse_args(argv)
    out_dir = setup_run(args)
    corpus, word_to_id, _ = ptb.load_data("train")
    valid, _, _ = ptb.load_data("valid")
    test, _, _ = ptb.load_data("test")
    if args.limit_tokens:
        corpus, valid, test = (c[:args.limit_tokens] for c in (corpus, valid, test))
    corpus, valid, test = to_gpu(corpus), to_gpu(valid), to_gpu(test)
    V = len(word_to_id)
    kwargs = dict(vocab_size=V, wordvec_size=args.wordvec_size, hidden_size=args.hidden_size)
    if args.model == "better":
        kwargs["dropout_ratio"] = args.dropout
    model = MODELS[args.model](**kwargs)
    optimizer = SGD(args.lr)
    trainer = RnnlmTrainer(model, optimizer)
    checkpoint = os.path.join(out_dir, type(model).__name__ + ".npz")
    best = math.inf
    if args.resume:
        model.load_params(args.resume)
        best = eval_perplexity(model, valid)
        model.reset_state()
        print("resumed from %s: valid perplexity %.2f" % (args.resume, best))
        trainer.current_epoch = args.first_epoch - 1
        model.save_params(checkpoint)   # the best model so far, in case no resumed epoch improves on it
    start = time.time()
    history = fit_with_validation(trainer, corpus[:-1], corpus[1:], valid, args.epochs,
                                  batch_size=args.batch_size, time_size=args.time_size,
                                  max_grad=args.max_grad, eval_interval=args.eval_interval,
                                  decay=args.decay, checkpoint=checkpoint,
                                  first_epoch=args.first_epoch, best=best)
    train_seconds = time.time() - start
    trainer.plot(os.path.join(out_dir, "train_perplexity.png"))
    model.load_params(checkpoint)
    model.reset_state()
    test_ppl = eval_perplexity(model, test)
    print("test perplexity: %.2f" % test_ppl)
    write_result(out_dir, "result", {"args": vars(args), "history": history, "test_ppl": test_ppl,
                                     "train_seconds": train_seconds,
                                     "ms_per_step": 1000 * train_seconds / max(1, args.epochs * (len(corpus) - 1) // (args.batch_size * args.time_size))})
    return test_ppl
