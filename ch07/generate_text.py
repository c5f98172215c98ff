"""Generate text with a trained language model (book 7.1): everything comes from the checkpoint.

    python -m ch07.generate_text runs/lstm/best.npz --start "the meaning of life is" --length 60
    python -m ch07.generate_text runs/better/best.npz --strategy beam
    python -m ch07.generate_text runs/char_rnn/best.npz --start "ROMEO:" --separator ""

The book's generate_better_text.py is this command on runs/better/best.npz twice: with the default
start "you", then with --start "the meaning of life is".
"""
import numpy

from common.checkpoint import load_model, read_checkpoint
from common.cli import main_guard, parser, positive_float, positive_int
from common.generation import beam_search, generate
from common.text import word_id


def main(argv=None):
    p = parser("ch07.generate_text", __doc__)
    p.add_argument("checkpoint", help="best.npz / last.npz of a language-model run (ch05, ch06, ch08)")
    p.add_argument("--start", default="you", help="start words (split on spaces; with --separator '' characters)")
    p.add_argument("--length", type=positive_int, default=100, help="tokens in total, start tokens included")
    p.add_argument("--strategy", choices=["sample", "greedy", "beam"], default="sample", help="decoding strategy")
    p.add_argument("--temperature", type=positive_float, default=1.0, help="sampling temperature")
    p.add_argument("--top-k", type=positive_int, default=None, help="sample only from the k best tokens (default: all)")
    p.add_argument("--beam-width", type=positive_int, default=5, help="beams for --strategy beam")
    p.add_argument("--skip", default="N <unk> $", help="tokens never generated (space-separated)")
    p.add_argument("--separator", default=None,
                   help="joins the tokens (default None: a space for word models, nothing for character models)")
    p.add_argument("--seed", type=int, default=None, help="seed of the sampler (default None: a fresh one)")
    args = p.parse_args(argv)
    ckpt = read_checkpoint(args.checkpoint)
    model = load_model(ckpt)
    word_to_id, id_to_word = ckpt.vocab()
    chars = all(len(w) == 1 for w in word_to_id)
    separator = args.separator if args.separator is not None else ("" if chars else " ")
    length = min(args.length, 20) if args.dry_run else args.length
    tokens = list(args.start) if separator == "" else args.start.split()
    start_ids = [word_id(w, word_to_id) for w in tokens]
    skip_ids = [word_to_id[w] for w in args.skip.split() if w in word_to_id]
    if hasattr(model, "reset_state"):
        model.reset_state()
    if args.strategy == "beam":
        ids, logp = beam_search(model, start_ids, length, args.beam_width, skip_ids)
        print("(log-probability %.2f)" % logp)
    else:
        ids = generate(model, start_ids, length, args.strategy, args.temperature, args.top_k,
                       skip_ids, numpy.random.default_rng(args.seed))
    text = separator.join(id_to_word[i] for i in ids)
    if separator == " ":
        text = text.replace(" <eos>", ".\n")
    print(text)
    return text


if __name__ == "__main__":
    main_guard(main)
