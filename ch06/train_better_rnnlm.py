"""Train BetterRnnlm (2 x LSTM 650, dropout 0.5, weight tying) on PTB; the book reaches
test perplexity 75.76 after 40 epochs. Set SCRATCHNLP_GPU=1 to train on CuPy.

    python -m ch06.train_better_rnnlm --epochs 40
    python -m ch06.train_better_rnnlm --resume runs/better/last.npz     # after Ctrl-C or a stop
"""
from ch06 import train_lm
from common.cli import main_guard

# The book's hyperparameters (ch06/train_better_rnnlm.py); every one can be changed on the command line.
RECIPE = dict(
    model="better",      # BetterRnnlm: 2 x TimeLSTM, dropout, output layer tied to the embedding (ch06/better_rnnlm.py)
    batch_size=20,
    time_size=35,
    wordvec_size=650,    # = hidden_size, as weight tying needs
    hidden_size=650,
    dropout=0.5,
    lr=20.0,             # plain SGD
    max_grad=0.25,       # global gradient-norm clipping
    lr_decay=4.0,        # lr / 4 after an epoch whose validation perplexity is not the best so far
    epochs=40,
)


def main(argv=None):
    return train_lm.main(argv, "ch06.train_better_rnnlm", __doc__, RECIPE)


if __name__ == "__main__":
    main_guard(main)
