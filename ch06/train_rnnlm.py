"""Train Rnnlm (1 x LSTM 100) on PTB: book settings, test perplexity about 136 after 4 epochs.

    python -m ch06.train_rnnlm --epochs 4
"""
import sys

from ch06.train_lm import main

if __name__ == "__main__":
    main(sys.argv[1:], __doc__, model="lstm", epochs=4, hidden=100, decay=1.0)
