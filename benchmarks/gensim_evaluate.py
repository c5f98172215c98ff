"""Score saved word vectors with gensim's own analogy evaluator, beside ScratchNLP's.

    python -m benchmarks.gensim_evaluate runs/word2vec/cbow_vectors.npz [more.npz ...]

gensim's ``KeyedVectors.evaluate_word_analogies`` on the Google questions (lower-cased, only the
questions whose four words are all in the vocabulary: 4,716 on PTB), next to
``common.text.analogy_accuracy``, which counts the same way (3CosAdd, the question's own words
excluded); the two can differ by a question or two where two candidates tie in float32.
"""
from common.cli import parser
from common.text import analogy_accuracy, load_word_vectors
from dataset import analogy
from dataset.files import data_path


def gensim_accuracy(vecs, id_to_word, questions_file):
    """(correct, asked) by gensim's ``evaluate_word_analogies``."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vecs.shape[1])
    kv.add_vectors([id_to_word[i] for i in range(len(id_to_word))], vecs)
    _, sections = kv.evaluate_word_analogies(questions_file)
    total = sections[-1]
    return len(total["correct"]), len(total["correct"]) + len(total["incorrect"])


def main(argv=None):
    p = parser("benchmarks.gensim_evaluate", __doc__, dry_run=False)
    p.add_argument("vectors", nargs="+", help="word vectors (.npz) written by ch04.train")
    args = p.parse_args(argv)
    questions_file = str(data_path("questions-words/questions-words.txt"))
    questions = analogy.load_questions()
    for path in args.vectors:
        vecs, word_to_id, id_to_word = load_word_vectors(path)
        correct, asked = gensim_accuracy(vecs, id_to_word, questions_file)
        ours = analogy_accuracy(vecs, word_to_id, questions)["total"]
        print("%s: gensim's evaluate_word_analogies %d / %d = %.2f%%; ScratchNLP's analogy_accuracy %d / %d = %.2f%%"
              % (path, correct, asked, 100.0 * correct / max(asked, 1), ours[0], ours[1], 100.0 * ours[0] / max(ours[1], 1)))


if __name__ == "__main__":
    main()
