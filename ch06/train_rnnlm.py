"""Train Rnnlm (1 x LSTM 100) on PTB: book settings, test perplexity about 136 after 4 epochs.

    python -m ch06.train_rnnlm --epochs 4
    python -m ch06.train_rnnlm --resume runs/lstm/last.npz --epochs 6    # two more epochs
"""
from ch06 import train_lm
from common.cli import main_guard

# The book's hyperparameters (ch06/train_rnnlm.py); every one can be changed on the command line.
RECIPE = dict(
    model="lstm",        # Rnnlm: Embedding -> TimeLSTM -> Affine (ch06/rnnlm.py)
    batch_size=20,
    time_size=35,        # truncated BPTT length
    wordvec_size=100,
    hidden_size=100,
    lr=20.0,             # plain SGD
    max_grad=0.25,       # global gradient-norm clipping
    lr_decay=1.0,        # the book keeps lr 20 for its 4 epochs
    epochs=4,
)


def main(argv=None):
    return train_lm.main(argv, "ch06.train_rnnlm", __doc__, RECIPE)


if __name__ == "__main__":
    main_guard(main)
