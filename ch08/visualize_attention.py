"""Heat-maps of attention weights of a trained date-conversion model (book 8.3.3).

The model, its vocabulary and whether it reads reversed questions come from the checkpoint.

    python -m ch08.visualize_attention runs/seq2seq/date_attention_reversed/best.npz --out attention.png
"""
import numpy

from common.checkpoint import load_model, read_checkpoint
from common.cli import main_guard, parser, positive_int
from common.np import to_cpu, to_gpu
from common.plot import new_figure, save_figure
from dataset import sequence


def attention_figure(model, questions, start_id, length, id_to_char, reverse):
    """Greedy answers to ``questions`` (N, T_in) ids in reading order, and a Figure of each one's attention
    weights (output characters down, input characters across). Returns (fig, answers as strings)."""
    fed = questions[:, ::-1].copy() if reverse else questions
    answers = to_cpu(model.generate(to_gpu(fed), start_id, length))
    weights = to_cpu(model.decoder.attention_weights)
    if reverse:
        weights = weights[:, :, ::-1]          # columns back in reading order
    fig, axes = new_figure(len(questions), figsize=(6 * len(questions), 4))
    for ax, q, a, w in zip(numpy.atleast_1d(axes), questions, answers, weights):
        ax.pcolor(w, cmap="Greys_r", vmin=0, vmax=1)
        ax.set_xticks(numpy.arange(len(q)) + 0.5)
        ax.set_xticklabels([id_to_char[int(c)] for c in q], fontsize=7)
        ax.set_yticks(numpy.arange(len(a)) + 0.5)
        ax.set_yticklabels([id_to_char[int(c)] for c in a])
        ax.invert_yaxis()
        ax.set_xlabel("input")
        ax.set_ylabel("output")
    return fig, ["".join(id_to_char[int(c)] for c in a) for a in answers]


def main(argv=None):
    p = parser("ch08.visualize_attention", __doc__)
    p.add_argument("checkpoint", help="best.npz / last.npz written by ch08.train")
    p.add_argument("--samples", type=positive_int, default=3, help="test questions to draw")
    p.add_argument("--seed", type=int, default=1984, help="which test questions")
    p.add_argument("--out", default="runs/attention/attention.png", help="image file to write")
    args = p.parse_args(argv)
    ckpt = read_checkpoint(args.checkpoint)
    model = load_model(ckpt)
    if not hasattr(model.decoder, "attention"):
        p.error("%s holds a %s, which has no attention to draw" % (args.checkpoint, type(model).__name__))
    run_args = ckpt.extra.get("args", {})
    char_to_id, id_to_char = ckpt.vocab()
    _, (x_test, t_test) = sequence.load_data(run_args.get("data", "date.txt"))
    reverse = bool(run_args.get("reverse", False))
    idx = numpy.random.RandomState(args.seed).choice(len(x_test), args.samples, replace=False)
    fig, answers = attention_figure(model, x_test[idx], int(t_test[0, 0]), t_test.shape[1] - 1, id_to_char, reverse)
    if not args.dry_run:
        save_figure(fig, args.out)
    print("answers:", answers)


if __name__ == "__main__":
    main_guard(main)
