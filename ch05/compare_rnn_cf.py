"""RNN vs RNN-CF (contextual features) on the same text, compared by validation perplexity.

    python -m ch05.compare_rnn_cf --epochs 5
"""
import argparse
import os

from ch05 import train_char_rnn
from common.plot import save_curve


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--limit-chars", type=int, default=None)
    p.add_argument("--out-dir", default=os.path.join("runs", "rnn_cf"))
    args, rest = p.parse_known_args(argv)
    curves = {}
    for cell in ("rnn", "rnncf"):
        argv_cell = ["--cell", cell, "--epochs", str(args.epochs), "--hidden-size", str(args.hidden_size),
                     "--out-dir", args.out_dir] + rest
        if args.limit_chars:
            argv_cell += ["--limit-chars", str(args.limit_chars)]
        curves[cell] = [r["valid_ppl"] for r in train_char_rnn.main(argv_cell)]
    save_curve(os.path.join(args.out_dir, "rnn_vs_rnncf_valid.png"), [curves["rnn"], curves["rnncf"]],
               "epoch", "validation perplexity", labels=["RNN", "RNN-CF"])
    for cell, ppl in curves.items():
        print("%-6s best validation perplexity %.3f" % (cell, min(ppl)))
    return curves


if __name__ == "__main__":
    main()
