"""Train BetterRnnlm (2 x LSTM 650, dropout 0.5, weight tying) on PTB; the book reaches
test perplexity 75.76 after 40 epochs. Set SCRATCHNLP_GPU=1 to train on CuPy.

    python -m ch06.train_better_rnnlm --epochs 40
    python -m ch06.train_better_rnnlm --resume runs/better/last.npz     # after Ctrl-C or a stop
"""
from ch06 import train_lm
from common.cli import main_guard


def main(argv=None):
    return train_lm.main(argv, "ch06.train_better_rnnlm", __doc__, model="better", epochs=40, hidden=650, decay=4.0)


if __name__ == "__main__":
    main_guard(main)
