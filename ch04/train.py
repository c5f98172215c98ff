"""Train CBOW or skip-gram with negative sampling on PTB (book 4.3), then evaluate analogies.

    python -m ch04.train --epochs 10            # the book's settings
    python -m ch04.train --model skipgram --epochs 5
"""
import argparse
import os
import time

import numpy

from ch04.cbow import CBOW
from ch04.skip_gram import SkipGram
from common.cli import add_common_args, setup_run, write_result
from common.np import to_cpu, to_gpu
from common.optimizer import OPTIMIZERS
from common.text import analogy, create_contexts_target, most_similar, subsample
from common.trainer import Trainer
from common.vectors_io import save_word_vectors
from common.word_vectors import analogy_accuracy, format_report
from dataset import analogy as analogy_set
from dataset import ptb

MODELS = {"cbow": CBOW, "skipgram": SkipGram}


def build_parser():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", choices=sorted(MODELS), default="cbow")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--negatives", type=int, default=5)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--linear-decay", action="store_true",
                   help="decay the learning rate linearly to 0.01%% of its start over the epochs (as gensim does)")
    p.add_argument("--subsample", type=float, default=0.0,
                   help="frequent-word subsampling threshold, e.g. 1e-3 (0 = off, the book's setting)")
    p.add_argument("--limit-tokens", type=int, default=None, help="train on the first N ids only (smoke tests)")
    p.add_argument("--eval-interval", type=int, default=1000)
    add_common_args(p, os.path.join("runs", "word2vec"))
    return p


def show_queries(word_vecs, word_to_id, id_to_word):
    for q in ("you", "year", "car", "toyota"):
        if q in word_to_id:
            most_similar(q, word_to_id, id_to_word, word_vecs, top=5)
    for a, b, c in (("king", "man", "queen"), ("take", "took", "go"), ("car", "cars", "child"), ("good", "better", "bad")):
        if all(w in word_to_id for w in (a, b, c)):
            analogy(a, b, c, word_to_id, id_to_word, word_vecs, top=5)


def main(argv=None):
    args = build_parser().parse_args(argv)
    out_dir = setup_run(args)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    if args.limit_tokens:
        corpus = corpus[:args.limit_tokens]
    rng = numpy.random.default_rng(args.seed)
    model = MODELS[args.model](len(word_to_id), args.hidden, args.window, corpus, sample_size=args.negatives,
                               rng=rng, seed=args.seed)
    trainer = Trainer(model, OPTIMIZERS[args.optimizer](lr=args.lr), seed=args.seed)
    start = time.time()
    n_targets = 0
    lr0 = trainer.optimizer.lr
    for epoch in range(args.epochs):
        if args.linear_decay:
            trainer.optimizer.lr = lr0 * max(1e-4, 1 - epoch / args.epochs)
        epoch_corpus = subsample(corpus, args.subsample, rng) if args.subsample else corpus
        contexts, target = create_contexts_target(epoch_corpus, args.window)
        trainer.fit(to_gpu(contexts), to_gpu(target), max_epoch=1, batch_size=args.batch,
                    eval_interval=args.eval_interval)
        n_targets += (len(target) // args.batch) * args.batch
    seconds = time.time() - start
    targets_per_s = n_targets / seconds
    print("trained %d epochs in %.0f s: %.0f targets/s" % (args.epochs, seconds, targets_per_s))
    word_vecs = to_cpu(model.word_vecs)
    path = save_word_vectors(os.path.join(out_dir, "%s_vectors.npz" % args.model), word_vecs, id_to_word)
    print("saved %s" % path)
    show_queries(word_vecs, word_to_id, id_to_word)
    questions = analogy_set.load_questions()
    report = analogy_accuracy(word_vecs, word_to_id, questions)
    print(format_report(report))
    book_report = analogy_accuracy(word_vecs, word_to_id, questions, method="book")
    print("with the book's scoring: %d / %d" % book_report["total"][:2])
    correct, asked, _ = report["total"]
    write_result(out_dir, "result_%s" % args.model, {
        "args": vars(args), "seconds": seconds, "targets_per_s": targets_per_s,
        "final_loss": trainer.loss_list[-1] if trainer.loss_list else None,
        "analogy": {k: list(v) for k, v in report.items()}, "analogy_accuracy": correct / max(asked, 1),
        "analogy_accuracy_book_scoring": book_report["total"][0] / max(asked, 1)})
    return report


if __name__ == "__main__":
    main()
