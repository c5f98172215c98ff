"""Train a small decoder-only Transformer as a character language model on tinyshakespeare.

    python -m ch08.train_transformer_lm --epochs 1 --prime "ROMEO:"
"""
import argparse
import math
import os
import time

import numpy

from ch08.transformer_lm import TransformerLM
from common.cli import add_common_args, setup_run, write_result
from common.generation import generate
from common.lm_training import fit_with_validation
from common.optimizer import Adam
from common.trainer import RnnlmTrainer
from dataset.text_corpus import load_chars


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--model-size", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--time-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--limit-chars", type=int, default=None)
    p.add_argument("--prime", default="ROMEO:")
    p.add_argument("--sample-length", type=int, default=300)
    add_common_args(p, os.path.join("runs", "transformer"))
    args = p.parse_args(argv)
    out_dir = setup_run(args)
    train, valid, char_to_id, id_to_char = load_chars()
    if args.limit_chars:
        train, valid = train[:args.limit_chars], valid[:max(args.limit_chars // 9, 2000)]
    model = TransformerLM(len(char_to_id), args.model_size, args.heads, args.layers, max_len=args.time_size,
                          rng=numpy.random.default_rng(args.seed))
    trainer = RnnlmTrainer(model, Adam(args.lr), verbose=False)
    start = time.time()
    history = fit_with_validation(trainer, train[:-1], train[1:], valid, args.epochs, args.batch_size,
                                  args.time_size, max_grad=1.0, eval_interval=None, decay=2.0)
    for record, loss in zip(history, trainer.epoch_losses):
        record["train_ppl"] = math.exp(loss)
    ids = generate(model, [char_to_id[c] for c in args.prime if c in char_to_id] or [0],
                   len(args.prime) + args.sample_length, temperature=0.8, rng=numpy.random.default_rng(args.seed))
    sample = "".join(id_to_char[i] for i in ids)
    print("----- sample -----\n%s\n------------------" % sample)
    write_result(out_dir, "transformer_lm", {"args": vars(args), "history": history, "sample": sample,
                                             "seconds": time.time() - start})
    return history


if __name__ == "__main__":
    main()
