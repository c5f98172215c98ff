"""Character-level language model on tinyshakespeare: train/valid perplexity curves and
samples primed from a string.

    python -m ch05.train_char_rnn --cell lstm --epochs 5 --prime "ROMEO:"
    python -m ch05.train_char_rnn --cell rnncf
"""
import argparse
import math
import os
import time

import numpy

from ch05.char_lm import CharLM
from common.cli import add_common_args, setup_run, write_result
from common.generation import generate
from common.lm_training import fit_with_validation
from common.optimizer import Adam
from common.plot import save_curve
from common.trainer import RnnlmTrainer
from dataset.text_corpus import load_chars


def build_parser():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cell", choices=["rnn", "lstm", "gru", "rnncf"], default="lstm")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--time-size", type=int, default=50)
    p.add_argument("--wordvec-size", type=int, default=32)
    p.add_argument("--hidden-size", type=int, default=128)
    p.add_argument("--context-size", type=int, default=None, help="RNN-CF context units (default: hidden size)")
    p.add_argument("--alpha", type=float, default=0.9, help="RNN-CF context decay")
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--max-grad", type=float, default=5.0)
    p.add_argument("--limit-chars", type=int, default=None)
    p.add_argument("--prime", default="ROMEO:")
    p.add_argument("--sample-length", type=int, default=300)
    p.add_argument("--temperature", type=float, default=0.8)
    add_common_args(p, os.path.join("runs", "char_rnn"))
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    out_dir = setup_run(args)
    train, valid, char_to_id, id_to_char = load_chars()
    if args.limit_chars:
        train, valid = train[:args.limit_chars], valid[:max(args.limit_chars // 9, 2000)]
    model = CharLM(len(char_to_id), args.wordvec_size, args.hidden_size, args.cell, args.context_size,
                   args.alpha, rng=numpy.random.default_rng(args.seed))
    trainer = RnnlmTrainer(model, Adam(args.lr), verbose=False)
    start = time.time()
    history = fit_with_validation(trainer, train[:-1], train[1:], valid, args.epochs, args.batch_size,
                                  args.time_size, args.max_grad, eval_interval=None, decay=2.0)
    for record, loss in zip(history, trainer.epoch_losses):
        record["train_ppl"] = math.exp(loss)
    name = "char_%s" % args.cell
    save_curve(os.path.join(out_dir, name + "_perplexity.png"),
               [[r["train_ppl"] for r in history], [r["valid_ppl"] for r in history]],
               "epoch", "perplexity (per character)", labels=["train", "valid"], title=name)
    model.reset_state()
    prime = [char_to_id[c] for c in args.prime if c in char_to_id] or [0]
    ids = generate(model, prime, len(prime) + args.sample_length, temperature=args.temperature,
                   rng=numpy.random.default_rng(args.seed))
    sample = "".join(id_to_char[i] for i in ids)
    print("----- sample -----\n%s\n------------------" % sample)
    write_result(out_dir, name, {"args": vars(args), "history": history, "sample": sample,
                                 "seconds": time.time() - start})
    return history


if __name__ == "__main__":
    main()
