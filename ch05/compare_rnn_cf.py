"""RNN vs RNN-CF (contextual features) on the same text, compared by validation perplexity.

Trains ``ch05.train_char_rnn`` once per cell, into OUT_DIR/rnn and OUT_DIR/rnncf
(continue either one with ``python -m ch05.train_char_rnn --resume OUT_DIR/CELL/last.npz``).

    python -m ch05.compare_rnn_cf --epochs 5
"""
import os
import sys

from ch05 import train_char_rnn
from common.cli import main_guard
from common.plot import plot_curve

CELLS = ("rnn", "rnncf")


def build_parser():
    """The command line of ``python -m ch05.compare_rnn_cf`` (train_char_rnn's, without --cell)."""
    p = train_char_rnn.build_parser("ch05.compare_rnn_cf", __doc__, out_dir="runs/rnn_cf")
    p.set_defaults(hidden_size=64)
    return p


def main(argv=None):
    p = build_parser()
    args = p.parse_args(argv)
    if args.resume:
        p.error("--resume: continue each cell's run with python -m ch05.train_char_rnn --resume %s"
                % os.path.join(args.out_dir, "CELL", "last.npz"))
    forwarded = list(sys.argv[1:] if argv is None else argv)
    curves = {}
    for cell in CELLS:   # the options given here, then this cell's own (argparse keeps the last)
        cell_argv = forwarded + ["--cell", cell, "--out-dir", os.path.join(args.out_dir, cell),
                                 "--hidden-size", str(args.hidden_size)]
        curves[cell] = [r["valid"] for r in train_char_rnn.main(cell_argv)]
    if not args.dry_run:
        plot_curve([curves["rnn"], curves["rnncf"]], "epoch", "validation perplexity", labels=["RNN", "RNN-CF"],
                   path=os.path.join(args.out_dir, "rnn_vs_rnncf_valid.png"))
    for cell, ppl in curves.items():
        print("%-6s best validation perplexity %.3f" % (cell, min(ppl)))
    return curves


if __name__ == "__main__":
    main_guard(main)
