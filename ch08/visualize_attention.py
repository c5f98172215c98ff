"""Heat-maps of attention weights of a trained date-conversion model (book 8.3.3).

    python -m ch08.visualize_attention runs/attention/date_attention_reversed.npz --out runs/attention/attention.png
"""
import argparse

import numpy

from ch08.attention_seq2seq import AttentionSeq2seq
from common.np import to_cpu
from common.plot import pyplot, save_figure
from dataset import sequence


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("checkpoint", help=".npz written by ch08.train")
    p.add_argument("--hidden-size", type=int, default=256)
    p.add_argument("--wordvec-size", type=int, default=16)
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--seed", type=int, default=1984)
    p.add_argument("--out", default="runs/attention/attention.png")
    args = p.parse_args(argv)
    _, (x_test, t_test) = sequence.load_data("date.txt")
    char_to_id, id_to_char = sequence.get_vocab("date.txt")
    model = AttentionSeq2seq(len(char_to_id), args.wordvec_size, args.hidden_size, bidirectional=args.bidirectional)
    model.load_params(args.checkpoint)
    idx = numpy.random.RandomState(args.seed).choice(len(x_test), args.samples, replace=False)
    questions = x_test[idx][:, ::-1].copy()          # the model reads reversed questions
    answers = to_cpu(model.generate(questions, int(t_test[0, 0]), t_test.shape[1] - 1))
    weights = to_cpu(model.decoder.attention_weights)[:, :, ::-1]   # un-reverse the input axis
    plt = pyplot()
    fig, axes = plt.subplots(1, args.samples, figsize=(6 * args.samples, 4))
    for ax, q, a, w in zip(numpy.atleast_1d(axes), x_test[idx], answers, weights):
        ax.pcolor(w, cmap="Greys_r", vmin=0, vmax=1)
        ax.set_xticks(numpy.arange(len(q)) + 0.5)
        ax.set_xticklabels([id_to_char[int(c)] for c in q], fontsize=7)
        ax.set_yticks(numpy.arange(len(a)) + 0.5)
        ax.set_yticklabels([id_to_char[int(c)] for c in a])
        ax.invert_yaxis()
        ax.set_xlabel("input")
        ax.set_ylabel("output")
    save_figure(fig, args.out)
    print("answers:", ["".join(id_to_char[int(c)] for c in a) for a in answers])


if __name__ == "__main__":
    main()
