"""Train a small decoder-only Transformer as a character language model on tinyshakespeare.

Validation reads windows of --time-size characters, the context length the model trains on.

    python -m ch08.train_transformer_lm --epochs 1 --prime "ROMEO:"
"""
import numpy

from ch05.train_char_rnn import add_char_lm_options, load_text_ids, report_sample
from ch08.transformer_lm import TransformerLM
from common.batches import BPTTBatches
from common.cli import fit, main_guard, positive_int, run_extra, start_training, training_parser
from common.evaluation import Perplexity
from common.optimizer import Adam
from common.training_loop import TrainingLoop


def main(argv=None):
    p = training_parser("ch08.train_transformer_lm", __doc__, out_dir="runs/transformer", epochs=1,
                        batch_size=32, lr=0.002, max_grad=1.0, eval_interval=100)
    p.add_argument("--model-size", type=positive_int, default=64, help="model width D (divisible by --heads)")
    p.add_argument("--heads", type=positive_int, default=4, help="attention heads")
    p.add_argument("--layers", type=positive_int, default=2, help="Transformer blocks")
    p.add_argument("--time-size", type=positive_int, default=64, help="context length: characters per window")
    add_char_lm_options(p)
    args, run = start_training(p, argv)
    if args.model_size % args.heads:
        p.error("--model-size %d is not divisible by --heads %d" % (args.model_size, args.heads))
    train, valid, char_to_id, id_to_char = load_text_ids(args)
    model = TransformerLM(len(char_to_id), args.model_size, args.heads, args.layers, max_len=args.time_size,
                          rng=numpy.random.default_rng(args.seed))
    training = TrainingLoop(model, Adam(args.lr), BPTTBatches(train[:-1], train[1:], args.batch_size, args.time_size),
                        evaluator=Perplexity(valid, batch_size=10, time_size=args.time_size), max_grad=args.max_grad,
                        plateau_decay=args.decay, run=run, extra=run_extra(args, id_to_char),
                        eval_interval=args.eval_interval, report="perplexity")
    history = fit(training, args, run)
    report_sample(model, args, char_to_id, id_to_char, training, run)
    return history


if __name__ == "__main__":
    main_guard(main)
