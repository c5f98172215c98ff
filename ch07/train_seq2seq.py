"""Train seq2seq on the addition set (book 7.3-7.4) and report exact-match accuracy per epoch.

    python -m ch07.train_seq2seq                      # plain: about 10% after 25 epochs
    python -m ch07.train_seq2seq --reverse            # about 50%
    python -m ch07.train_seq2seq --reverse --model peeky   # near 100%
"""
import argparse
import os
import sys
import time

import numpy

from ch07.peeky_seq2seq import PeekySeq2seq
from ch07.seq2seq import Seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from common.cli import add_common_args, setup_run, write_result
from common.np import to_gpu
from common.optimizer import Adam
from common.plot import save_curve
from common.trainer import Trainer
from common.util import seq2seq_accuracy
from dataset import sequence

MODELS = {"plain": Seq2seq, "peeky": PeekySeq2seq, "attention": AttentionSeq2seq}


def build_parser(description, **d):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", default=d["data"], choices=sorted(sequence.FILES))
    p.add_argument("--model", choices=sorted(MODELS), default=d["model"])
    p.add_argument("--reverse", action="store_true", default=d["reverse"], help="feed the question reversed")
    p.add_argument("--no-reverse", dest="reverse", action="store_false")
    p.add_argument("--bidirectional", action="store_true", help="bidirectional encoder (attention model)")
    p.add_argument("--epochs", type=int, default=d["epochs"])
    p.add_argument("--wordvec-size", type=int, default=16)
    p.add_argument("--hidden-size", type=int, default=d["hidden"])
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--max-grad", type=float, default=5.0)
    p.add_argument("--lr", type=float, default=0.001, help="Adam learning rate")
    p.add_argument("--lr-decay", type=float, default=1.0,
                   help="multiply the learning rate by this after every epoch (1 = constant, the book's setting)")
    p.add_argument("--limit", type=int, default=None, help="use only the first N training pairs (smoke tests)")
    add_common_args(p, os.path.join("runs", "seq2seq"))
    return p


def decode(ids, id_to_char):
    return "".join(id_to_char[int(i)] for i in ids)


def show_examples(questions, answers, guesses, id_to_char, reverse, n=3):
    for q, a, g in zip(questions[:n], answers[:n], guesses[:n]):
        q = decode(q, id_to_char)
        print("Q %s  T %s  %s %s" % (q[::-1] if reverse else q, decode(a[1:], id_to_char),
                                      "O" if (g == a[1:]).all() else "X", decode(g, id_to_char)))


def main(argv=None, description=__doc__, **defaults):
    defaults = {"data": "addition.txt", "model": "plain", "reverse": False, "epochs": 25, "hidden": 128, **defaults}
    args = build_parser(description, **defaults).parse_args(argv)
    out_dir = setup_run(args)
    (x_train, t_train), (x_test, t_test) = sequence.load_data(args.data)
    char_to_id, id_to_char = sequence.get_vocab(args.data)
    if args.limit:
        x_train, t_train = x_train[:args.limit], t_train[:args.limit]
    if args.reverse:
        x_train, x_test = x_train[:, ::-1].copy(), x_test[:, ::-1].copy()
    kwargs = {"bidirectional": True} if args.bidirectional else {}
    if args.bidirectional and args.model != "attention":
        sys.exit("--bidirectional needs --model attention")
    model = MODELS[args.model](len(char_to_id), args.wordvec_size, args.hidden_size,
                               rng=numpy.random.default_rng(args.seed), **kwargs)
    optimizer = Adam(args.lr)
    trainer = Trainer(model, optimizer, seed=args.seed, verbose=False)
    x_train, t_train, x_test, t_test = map(to_gpu, (x_train, t_train, x_test, t_test))
    accs = []
    start = time.time()
    for epoch in range(args.epochs):
        trainer.fit(x_train, t_train, max_epoch=1, batch_size=args.batch_size, max_grad=args.max_grad, eval_interval=None)
        optimizer.lr *= args.lr_decay
        acc, guesses = seq2seq_accuracy(model, x_test, t_test)
        accs.append(acc)
        print("| epoch %d | loss %.4f | val acc %.3f%% | %.0f s"
              % (epoch + 1, trainer.epoch_losses[-1], 100 * acc, time.time() - start))
    show_examples(numpy.asarray(x_test), numpy.asarray(t_test), guesses, id_to_char, args.reverse)
    name = "%s_%s%s%s" % (os.path.splitext(args.data)[0], args.model, "_reversed" if args.reverse else "",
                          "_decay" if args.lr_decay != 1.0 else "")
    model.save_params(os.path.join(out_dir, name + ".npz"))
    save_curve(os.path.join(out_dir, name + "_accuracy.png"), accs, "epochs", "accuracy", ylim=(-0.05, 1.05))
    write_result(out_dir, name, {"args": vars(args), "accuracy": accs, "seconds": time.time() - start})
    return accs


if __name__ == "__main__":
    main()
