"""Generate text with a trained PTB language model (book 7.1).

    python -m ch07.generate_text runs/lstm/Rnnlm.npz --start "the meaning of life is" --length 60
    python -m ch07.generate_text runs/better/BetterRnnlm.npz --model better --strategy beam
"""
import argparse

import numpy

from ch06.rnnlm import BetterRnnlm, GruRnnlm, Rnnlm
from common.generation import beam_search, generate
from common.text import word_id
from dataset import ptb

MODELS = {"lstm": (Rnnlm, 100), "gru": (GruRnnlm, 100), "better": (BetterRnnlm, 650)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("checkpoint", help=".npz written by ch06.train_rnnlm / train_better_rnnlm")
    p.add_argument("--model", choices=sorted(MODELS), default="lstm")
    p.add_argument("--hidden-size", type=int, default=None)
    p.add_argument("--start", default="you", help="start words, separated by spaces")
    p.add_argument("--length", type=int, default=100, help="number of words including the start words")
    p.add_argument("--strategy", choices=["sample", "greedy", "beam"], default="sample")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--beam-width", type=int, default=5)
    p.add_argument("--skip", default="N <unk> $", help="words never generated")
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args(argv)
    word_to_id, id_to_word = ptb.load_vocab()
    cls, H = MODELS[args.model]
    H = args.hidden_size or H
    model = cls(len(word_to_id), H, H)
    model.load_params(args.checkpoint)
    start_ids = [word_id(w, word_to_id) for w in args.start.split()]
    skip_ids = [word_to_id[w] for w in args.skip.split() if w in word_to_id]
    model.reset_state()
    if args.strategy == "beam":
        ids, logp = beam_search(model, start_ids, args.length, args.beam_width, skip_ids)
        print("(log-probability %.2f)" % logp)
    else:
        ids = generate(model, start_ids, args.length, args.strategy, args.temperature, args.top_k,
                       skip_ids, numpy.random.default_rng(args.seed))
    text = " ".join(id_to_word[i] for i in ids).replace(" <eos>", ".\n")
    print(text)
    return text


if __name__ == "__main__":
    main()
