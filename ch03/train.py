"""Train SimpleCBOW (or SimpleSkipGram) on the toy corpus with the Trainer and print the word vectors.

    python -m ch03.train --model cbow --epochs 1000
"""
import argparse
import os

import numpy

from ch02.toy import load
from ch03.simple_cbow import SimpleCBOW, SimpleSkipGram
from common.cli import add_common_args, setup_run
from common.optimizer import Adam
from common.text import convert_one_hot, create_contexts_target
from common.trainer import Trainer

MODELS = {"cbow": SimpleCBOW, "skipgram": SimpleSkipGram}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", choices=sorted(MODELS), default="cbow")
    p.add_argument("--hidden", type=int, default=5)
    p.add_argument("--batch", type=int, default=3)
    p.add_argument("--epochs", type=int, default=1000)
    add_common_args(p, os.path.join("runs", "ch03"))
    args = p.parse_args(argv)
    out_dir = setup_run(args)
    corpus, word_to_id, id_to_word = load()
    V = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=1)
    contexts, target = convert_one_hot(contexts, V), convert_one_hot(target, V)
    model = MODELS[args.model](V, args.hidden, rng=numpy.random.default_rng(args.seed))
    trainer = Trainer(model, Adam(), seed=args.seed, verbose=False)
    trainer.fit(contexts.astype("f"), target, max_epoch=args.epochs, batch_size=args.batch, eval_interval=None)
    print("loss: first epoch %.3f, last epoch %.3f" % (trainer.epoch_losses[0], trainer.epoch_losses[-1]))
    for i in range(V):
        print(id_to_word[i], model.word_vecs[i])
    return model, trainer


if __name__ == "__main__":
    main()
