"""Train Rnnlm (1 x LSTM 100) on PTB: book settings, test perplexity about 136 after 4 epochs.

    python -m ch06.train_rnnlm --epochs 4
"""
from ch06 import train_lm


def main(argv=None):
    return train_lm.main(argv, __doc__, model="lstm", epochs=4, hidden=100, decay=1.0)


if __name__ == "__main__":
    main()
