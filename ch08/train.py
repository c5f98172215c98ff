"""Train the attention seq2seq on the date set (book 8.3): about 100% exact match within a few epochs.

    python -m ch08.train --epochs 10
    python -m ch08.train --bidirectional
"""
import sys

from ch07.train_seq2seq import main

if __name__ == "__main__":
    main(sys.argv[1:], __doc__, data="date.txt", model="attention", reverse=True, epochs=10, hidden=256)
