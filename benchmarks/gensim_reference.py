"""Train gensim's CBOW (or skip-gram) on PTB with the book's settings and score it with our
analogy evaluator, so the word2vec quality target is measured here rather than quoted.

    python -m benchmarks.gensim_reference [--epochs 10] [--sample 0] [--model cbow|skipgram]
"""
import time

import numpy

from common.cli import non_negative_float, parser, positive_int
from common.text import analogy_accuracy, format_report
from dataset import analogy, ptb


def main(argv=None):
    p = parser("benchmarks.gensim_reference", __doc__, dry_run=False)
    p.add_argument("--epochs", type=positive_int, default=10, help="passes over PTB")
    p.add_argument("--seed", type=int, default=1, help="gensim's seed")
    p.add_argument("--model", choices=["cbow", "skipgram"], default="cbow", help="word2vec model")
    p.add_argument("--sample", type=non_negative_float, default=0.0,
                   help="gensim's frequent-word subsampling (gensim's own default is 1e-3)")
    args = p.parse_args(argv)
    from gensim.models import Word2Vec

    corpus, word_to_id, id_to_word = ptb.load_data("train")
    sentences = [s.split() for s in " ".join(id_to_word[int(i)] for i in corpus).split("<eos>") if s.strip()]
    start = time.time()
    model = Word2Vec(sentences, vector_size=100, window=5, min_count=1, sg=int(args.model == "skipgram"), negative=5,
                     sample=args.sample, workers=1, epochs=args.epochs, seed=args.seed)
    seconds = time.time() - start
    vecs = numpy.zeros((len(word_to_id), 100), dtype=numpy.float32)
    for w, i in word_to_id.items():
        if w in model.wv:
            vecs[i] = model.wv[w]
    report = analogy_accuracy(vecs, word_to_id, analogy.load_questions())
    print(format_report(report))
    print("gensim %s, %d epochs, sample=%g: %.0f s, 3CosAdd accuracy %.2f%%"
          % (args.model, args.epochs, args.sample, seconds, 100.0 * report["total"][0] / report["total"][1]))


if __name__ == "__main__":
    main()
