"""Convert the book's .pkl weights into a ScratchNLP checkpoint (.npz), running no code from the file.

    python -m ch08.convert_book_weights ch06/Rnnlm.pkl           # -> ch06/Rnnlm.npz, with PTB's vocabulary
    python -m ch07.generate_text ch06/Rnnlm.npz                   # then use it like any checkpoint
    python -m ch08.convert_book_weights AttentionSeq2seq.pkl      # the date set's 59 characters
    python -m ch08.convert_book_weights my.pkl --model BetterRnnlm --out better.npz
    python -m ch08.convert_book_weights ch04/cbow_params.pkl      # word vectors: python -m ch04.eval ch04/cbow_params.npz

The book's save_params writes a pickled list of float16 arrays named after the model's class
(Rnnlm.pkl, BetterRnnlm.pkl, AttentionSeq2seq.pkl, ...). The file is read with the restricted
unpickler of ``common.book_pickle``; the model's sizes come from the arrays' shapes (the
embedding's (V, D), the first recurrent Wh's H), and the vocabulary, which the file does not
hold, from the data set the book trained on (chosen by the vocabulary size, or --vocab).
This command lives in the last chapter because it can build every chapter's models.
"""
import os

from ch05.simple_rnnlm import SimpleRnnlm
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from ch07.peeky_seq2seq import PeekySeq2seq
from ch07.seq2seq import Seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from common.book_pickle import BookPickleError, load_book_params, read_book_params, read_book_pickle
from common.checkpoint import save_checkpoint, vocab_entry
from common.cli import main_guard, parser
from common.text import save_word_vectors
from dataset import ptb, sequence

# the book's model classes, by the name its save_params gives their file
BOOK_MODELS = {cls.__name__: cls for cls in (SimpleRnnlm, Rnnlm, BetterRnnlm, Seq2seq, PeekySeq2seq, AttentionSeq2seq)}
# the data set a vocabulary size belongs to in the book
VOCABULARIES = {10000: "ptb", 59: "date.txt", 13: "addition.txt"}


def book_model_config(values, path):
    """A book model's constructor arguments from its weights: vocab_size and wordvec_size from
    the embedding (V, D) that comes first, hidden_size from the first recurrent Wh (H, G*H)."""
    if len(values) < 3 or values[0].ndim != 2 or values[2].ndim != 2:
        raise BookPickleError("%s does not start with an embedding (V, D) and a recurrent layer's Wx, Wh: build "
                              "the model yourself and call model.load_params(%r)" % (path, path))
    return {"vocab_size": int(values[0].shape[0]), "wordvec_size": int(values[0].shape[1]),
            "hidden_size": int(values[2].shape[0])}


def vocabulary(name, vocab_size):
    """The Vocabulary called ``name`` ('ptb', 'addition.txt', 'date.txt'), 'auto' by size, None for 'none'."""
    if name == "auto":
        name = VOCABULARIES.get(vocab_size, "none")
    if name == "none":
        return None
    vocab = ptb.vocabulary() if name == "ptb" else sequence.vocabulary(name)
    if len(vocab) != vocab_size:
        raise BookPickleError("the %s vocabulary has %d entries but the model's embedding has %d rows: choose "
                              "another --vocab" % (name, len(vocab), vocab_size))
    return vocab


def convert(path, out=None, model=None, vocab="auto", dry_run=False):
    """Write the book weights at ``path`` as a checkpoint (default: the same name with .npz); returns its path.

    Chapter 4's word vectors (a dict with ``word_vecs``) become a word-vector file instead.
    ``dry_run`` reads and checks everything and writes nothing (returns None).

    model: a class name of BOOK_MODELS (default: the file's name, as save_params gives it).
    """
    out = out or os.path.splitext(path)[0] + ".npz"
    held = read_book_pickle(path)
    if isinstance(held, dict) and {"word_vecs", "id_to_word"} <= set(held):     # chapter 4's cbow_params.pkl
        return None if dry_run else save_word_vectors(out, held["word_vecs"], held["id_to_word"], half=False)
    name = model or os.path.splitext(os.path.basename(path))[0]
    if name not in BOOK_MODELS:
        raise BookPickleError("%s: which model are these weights for? Give --model, one of %s"
                              % (path, ", ".join(BOOK_MODELS)))
    values = read_book_params(path)
    config = book_model_config(values, path)
    net = BOOK_MODELS[name](**config)
    load_book_params(net.params, path)
    extra = {"converted_from": os.path.basename(path)}
    words = vocabulary(vocab, config["vocab_size"])
    if words is not None:
        extra["vocab"] = vocab_entry(words.id_to_word)
    return None if dry_run else save_checkpoint(out, net, extra=extra)


def main(argv=None):
    p = parser("ch08.convert_book_weights", __doc__)
    p.add_argument("pkl", help="a weight file of the book's save_params, e.g. ch06/Rnnlm.pkl")
    p.add_argument("--model", choices=sorted(BOOK_MODELS), default=None,
                   help="the model the weights belong to (default: the file's name)")
    p.add_argument("--out", default=None, help="the checkpoint to write (default: the .pkl's name with .npz)")
    p.add_argument("--vocab", choices=["auto", "ptb", "addition.txt", "date.txt", "none"], default="auto",
                   help="the vocabulary stored with the weights (auto: PTB for 10,000 rows, the date or "
                        "addition set for 59 or 13)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    args = p.parse_args(argv)
    out = args.out or os.path.splitext(args.pkl)[0] + ".npz"
    if not args.pkl.endswith(".pkl"):
        p.error("%s: expected the book's .pkl weight file" % args.pkl)
    if os.path.exists(out) and not args.overwrite:
        p.error("%s exists: give another --out, or --overwrite to replace it" % out)
    written = convert(args.pkl, out, args.model, args.vocab, dry_run=args.dry_run)
    print("checked %s: it converts (nothing written)" % args.pkl if written is None else "wrote %s" % written)


if __name__ == "__main__":
    main_guard(main)
