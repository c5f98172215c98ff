"""Count-based language models on PTB: interpolated Kneser-Ney n-grams of orders 2 to 5, the
baseline the RNN language models are measured against (Mikolov 2011 reports KN5 about 141).

    python -m ch05.train_ngram --orders 2 3 4 5
"""
import time

from ch05.ngram_lm import KneserNeyLM
from common.cli import main_guard, parser, positive_int
from dataset import ptb

DRY_RUN_TOKENS = 5000


def main(argv=None):
    p = parser("ch05.train_ngram", __doc__)
    p.add_argument("--orders", type=positive_int, nargs="+", default=[2, 3, 4, 5], help="n-gram orders to count")
    args = p.parse_args(argv)
    train, word_to_id, _ = ptb.load_data("train")
    valid, _, _ = ptb.load_data("valid")
    test, _, _ = ptb.load_data("test")
    if args.dry_run:
        train, valid, test = train[:DRY_RUN_TOKENS], valid[:1000], test[:1000]
    results = {}
    for n in args.orders:
        start = time.time()
        model = KneserNeyLM(train, len(word_to_id), n)
        results[n] = {"valid": model.perplexity(valid), "test": model.perplexity(test),
                      "discounts": [round(float(d), 4) for d in model.D], "seconds": time.time() - start}
        print("KN%d: valid perplexity %.2f, test perplexity %.2f (discounts %s; %.1f s)"
              % (n, results[n]["valid"], results[n]["test"], results[n]["discounts"], results[n]["seconds"]))
    return results


if __name__ == "__main__":
    main_guard(main)
