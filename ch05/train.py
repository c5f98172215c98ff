"""SimpleRnnlm on the first 1000 PTB words (book 5.5.4): perplexity falls from ~400 to near 1.

    python -m ch05.train --epochs 100
"""
import numpy

from ch05.simple_rnnlm import SimpleRnnlm
from common.batches import BPTTBatches
from common.cli import fit, main_guard, positive_int, run_extra, start_training, training_parser
from common.evaluation import perplexity
from common.optimizer import SGD
from common.plot import plot_curve
from common.training_loop import TrainingLoop
from dataset import ptb


def main(argv=None):
    p = training_parser("ch05.train", __doc__, out_dir="runs/ch05", epochs=100, batch_size=10, lr=0.1)
    p.add_argument("--time-size", type=positive_int, default=5, help="time steps per BPTT batch")
    p.add_argument("--wordvec-size", type=positive_int, default=100, help="word-vector size D")
    p.add_argument("--hidden-size", type=positive_int, default=100, help="hidden size H")
    p.add_argument("--corpus-size", type=positive_int, default=1000, help="train on the first N PTB ids")
    args, run = start_training(p, argv)
    corpus, _, id_to_word = ptb.load_data("train")
    corpus = corpus[:args.corpus_size]
    V = int(corpus.max()) + 1
    model = SimpleRnnlm(V, args.wordvec_size, args.hidden_size, rng=numpy.random.default_rng(args.seed))
    training = TrainingLoop(model, SGD(args.lr), BPTTBatches(corpus[:-1], corpus[1:], args.batch_size, args.time_size),
                        max_grad=args.max_grad, run=run, extra=run_extra(args, [id_to_word[i] for i in range(V)]),
                        report="perplexity", log_every=10)
    history = fit(training, args, run)
    ppls = [perplexity(r["train_loss"]) for r in history]
    if run:
        plot_curve(ppls, "epochs", "perplexity", path=run.file("perplexity.png"))
        run.append({"kind": "result", "train_perplexity": ppls})
    return ppls


if __name__ == "__main__":
    main_guard(main)
