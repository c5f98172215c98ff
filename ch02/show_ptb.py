"""Print the PTB corpus facts the book shows (2.4.4).

    python -m ch02.show_ptb
"""
from common.cli import main_guard, parser
from dataset import ptb


def main(argv=None):
    parser("ch02.show_ptb", __doc__).parse_args(argv)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    print("corpus size:", len(corpus))
    print("corpus[:30]:", corpus[:30])
    for i in range(3):
        print("id_to_word[%d]: %s" % (i, id_to_word[i]))
    for w in ("car", "happy", "lexus"):
        print("word_to_id['%s']: %d" % (w, word_to_id[w]))
    return len(corpus)


if __name__ == "__main__":
    main_guard(main)
