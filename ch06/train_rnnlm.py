"""Train Rnnlm (1 x LSTM 100) on PTB: book settings, test perplexity about 136 after 4 epochs.

    python -m ch06.train_rnnlm --epochs 4
    python -m ch06.train_rnnlm --resume runs/lstm/last.npz --epochs 6    # two more epochs
"""
from ch06 import train_lm
from common.cli import main_guard


def main(argv=None):
    return train_lm.main(argv, "ch06.train_rnnlm", __doc__, model="lstm", epochs=4, hidden=100, decay=1.0)


if __name__ == "__main__":
    main_guard(main)
