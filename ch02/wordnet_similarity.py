"""WordNet with NLTK, offline (book appendix B): synsets, definition and path similarity.

    python -m ch02.wordnet_similarity
"""
from common.cli import main_guard, parser
from dataset.wordnet import wordnet


def main(argv=None):
    parser("ch02.wordnet_similarity", __doc__).parse_args(argv)
    wn = wordnet()
    print(wn.synsets("car"))
    car = wn.synset("car.n.01")
    print(car.definition())
    print(car.lemma_names())
    print(" -> ".join(s.name() for s in car.hypernym_paths()[0]))
    result = {}
    for other in ("novel.n.01", "dog.n.01", "motorcycle.n.01"):
        result[other] = car.path_similarity(wn.synset(other))
        print("car.n.01 - %s: %r" % (other, result[other]))
    return result


if __name__ == "__main__":
    main_guard(main)
