"""Train BetterRnnlm (2 x LSTM 650, dropout 0.5, weight tying) on PTB; the book reaches
test perplexity 75.76 after 40 epochs. Set SCRATCHNLP_GPU=1 to train on CuPy.

    python -m ch06.train_better_rnnlm --epochs 40
"""
import sys

from ch06.train_lm import main

if __name__ == "__main__":
    main(sys.argv[1:], __doc__, model="better", epochs=40, hidden=650, decay=4.0)
