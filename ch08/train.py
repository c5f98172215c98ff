"""Train the attention seq2seq on the date set (book 8.3): about 100% exact match within a few epochs.

    python -m ch08.train --epochs 10
    python -m ch08.train --bidirectional
"""
from ch07 import train_seq2seq


def main(argv=None):
    return train_seq2seq.main(argv, __doc__, data="date.txt", model="attention", reverse=True, epochs=10, hidden=256)


if __name__ == "__main__":
    main()
