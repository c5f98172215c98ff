"""SimpleRnnlm on the first 1000 PTB words (book 5.5.4): perplexity falls from ~400 to near 1.

    python -m ch05.train --epochs 100
"""
import argparse
import math
import os

from ch05.simple_rnnlm import SimpleRnnlm
from common.cli import add_common_args, setup_run, write_result
from common.optimizer import SGD
from common.plot import save_curve
from common.trainer import RnnlmTrainer
from dataset import ptb


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--corpus-size", type=int, default=1000)
    p.add_argument("--lr", type=float, default=0.1)
    add_common_args(p, os.path.join("runs", "ch05"))
    args = p.parse_args(argv)
    out_dir = setup_run(args)
    corpus, _, _ = ptb.load_data("train")
    corpus = corpus[:args.corpus_size]
    V = int(corpus.max()) + 1
    model = SimpleRnnlm(V, 100, 100)
    trainer = RnnlmTrainer(model, SGD(args.lr), verbose=False)
    ppls = []
    for epoch in range(args.epochs):
        trainer.fit(corpus[:-1], corpus[1:], max_epoch=1, batch_size=10, time_size=5, eval_interval=None)
        ppls.append(math.exp(trainer.epoch_losses[-1]))
        print("| epoch %d | perplexity %.2f" % (epoch + 1, ppls[-1]))
    save_curve(os.path.join(out_dir, "perplexity.png"), ppls, "epochs", "perplexity")
    write_result(out_dir, "result", {"args": vars(args), "perplexity": ppls})
    return ppls


if __name__ == "__main__":
    main()
