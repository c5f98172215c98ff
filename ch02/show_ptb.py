"""Print the PTB corpus facts the book shows (2.4.4)."""
from dataset import ptb


def main():
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    print("corpus size:", len(corpus))
    print("corpus[:30]:", corpus[:30])
    for i in range(3):
        print("id_to_word[%d]: %s" % (i, id_to_word[i]))
    for w in ("car", "happy", "lexus"):
        print("word_to_id['%s']: %d" % (w, word_to_id[w]))


if __name__ == "__main__":
    main()
