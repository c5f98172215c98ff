"""Many-to-one sentiment classification (classic RNN tutorials).

    python -m ch06.train_sentiment --data tiny --cell rnn        # Zhou's 58/20 phrases: test accuracy 1.0
    python -m ch06.train_sentiment --data rt-polarity --cell lstm
    python -m ch06.train_sentiment --data movie_reviews --model bow   # bag-of-words baseline
"""
import argparse
import os
import time

import numpy

from ch06.sequence_classifier import BagOfWordsClassifier, RnnClassifier
from common.cli import add_common_args, setup_run, write_result
from common.np import to_gpu
from common.optimizer import OPTIMIZERS
from common.text import tokenize
from common.trainer import Stepper
from common.vocab import Vocab
from dataset import sentiment, tiny_sentiment

DATASETS = {
    "tiny": tiny_sentiment.load_data,
    "rt-polarity": sentiment.rt_polarity,
    "movie_reviews": sentiment.movie_reviews,
}


def batches(n, batch_size, rng, lengths):
    """Shuffled batches of similar lengths: shuffle, then sort inside windows of 50 batches."""
    order = rng.permutation(n)
    window = batch_size * 50
    for s in range(0, n, window):
        chunk = order[s:s + window]
        chunk = chunk[numpy.argsort(lengths[chunk], kind="stable")]
        for b in range(0, len(chunk), batch_size):
            yield chunk[b:b + batch_size]


def evaluate(model, ids, lengths, labels, batch_size=256):
    correct, loss = 0, 0.0
    for s in range(0, len(labels), batch_size):
        sl = slice(s, s + batch_size)
        T = int(lengths[sl].max())
        scores = model.predict(ids[sl, :T], lengths[sl])
        loss += float(model.loss_layer.forward(scores, labels[sl])) * len(labels[sl])
        correct += int((scores.argmax(axis=1) == labels[sl]).sum())
    return correct / len(labels), loss / len(labels)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", choices=sorted(DATASETS), default="tiny")
    p.add_argument("--model", choices=["rnn", "bow"], default="rnn")
    p.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="rnn")
    p.add_argument("--epochs", type=int, default=None, help="default: 300 for tiny, 5 otherwise")
    p.add_argument("--batch-size", type=int, default=None, help="default: 1 for tiny, 32 otherwise")
    p.add_argument("--wordvec-size", type=int, default=64)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=None, help="default: sgd for tiny, adam otherwise")
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--max-grad", type=float, default=5.0)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--min-freq", type=int, default=2)
    p.add_argument("--max-len", type=int, default=400, help="cut documents after this many tokens")
    add_common_args(p, os.path.join("runs", "sentiment"))
    args = p.parse_args(argv)
    tiny = args.data == "tiny"
    args.epochs = args.epochs or (300 if tiny else 5)
    args.batch_size = args.batch_size or (1 if tiny else 32)
    args.optimizer = args.optimizer or ("sgd" if tiny else "adam")
    args.lr = args.lr or (0.02 if tiny else 0.002)
    out_dir = setup_run(args)
    rng = numpy.random.default_rng(args.seed)
    (train_x, train_y), (test_x, test_y) = DATASETS[args.data]()
    train_tok, test_tok = [tokenize(t) for t in train_x], [tokenize(t) for t in test_x]
    vocab = Vocab(train_tok, min_freq=1 if tiny else args.min_freq)
    ids, lengths = vocab.pad_batch(train_tok, args.max_len)
    test_ids, test_lengths = vocab.pad_batch(test_tok, args.max_len)
    labels, test_labels = numpy.array(train_y), numpy.array(test_y)
    # batching works on host copies of the lengths; the model reads device arrays (CuPy when enabled)
    dev_ids, dev_lengths, dev_labels = to_gpu(ids), to_gpu(lengths), to_gpu(labels)
    dev_test = (to_gpu(test_ids), to_gpu(test_lengths), to_gpu(test_labels))
    if args.model == "bow":
        model = BagOfWordsClassifier(len(vocab), args.wordvec_size, rng=rng)
    else:
        model = RnnClassifier(len(vocab), args.wordvec_size, args.hidden_size, cell=args.cell,
                              dropout=args.dropout, rng=rng, embed_scale=0.1 if tiny else 0.01)
    stepper = Stepper(model, OPTIMIZERS[args.optimizer](lr=args.lr))
    print("%s: %d train / %d test, vocabulary %d" % (args.data, len(labels), len(test_labels), len(vocab)))
    history = []
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        for b in batches(len(labels), args.batch_size, rng, lengths):
            T = int(lengths[b].max())
            rows = to_gpu(b)
            model.forward(dev_ids[rows, :T], dev_lengths[rows], dev_labels[rows])
            stepper.step(args.max_grad)
        report = epoch == args.epochs or not tiny or epoch % 50 == 0
        if report:
            train_acc, train_loss = evaluate(model, dev_ids, dev_lengths, dev_labels)
            test_acc, test_loss = evaluate(model, *dev_test)
            history.append({"epoch": epoch, "train_acc": train_acc, "train_loss": train_loss,
                            "test_acc": test_acc, "test_loss": test_loss})
            print("| epoch %d | train loss %.3f acc %.3f | test loss %.3f acc %.3f | %.0f s"
                  % (epoch, train_loss, train_acc, test_loss, test_acc, time.time() - start))
    name = "%s_%s" % (args.data, "bow" if args.model == "bow" else args.cell)
    write_result(out_dir, name, {"args": vars(args), "history": history, "seconds": time.time() - start})
    return history[-1]


if __name__ == "__main__":
    main()
