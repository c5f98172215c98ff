"""Train the attention seq2seq on the date set (book 8.3): about 100% exact match within a few epochs.

    python -m ch08.train --epochs 10
    python -m ch08.train --bidirectional
"""
from ch07 import train_seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from common.cli import main_guard


def main(argv=None):
    return train_seq2seq.main(argv, "ch08.train", __doc__, models={"attention": AttentionSeq2seq},
                              data="date.txt", model="attention", reverse=True, epochs=10, hidden=256)


if __name__ == "__main__":
    main_guard(main)
