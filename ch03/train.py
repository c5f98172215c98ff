"""Train SimpleCBOW (or SimpleSkipGram) on the toy corpus and print the word vectors (book 3.4).

    python -m ch03.train --model cbow --epochs 1000
"""
import numpy

from ch02.toy import load
from ch03.simple_cbow import SimpleCBOW, SimpleSkipGram
from common.batches import ShuffledBatches
from common.cli import fit, main_guard, positive_int, run_extra, start_training, training_parser
from common.optimizer import Adam
from common.text import convert_one_hot, create_contexts_target
from common.training_loop import TrainingLoop

MODELS = {"cbow": SimpleCBOW, "skipgram": SimpleSkipGram}


def main(argv=None):
    p = training_parser("ch03.train", __doc__, out_dir="runs/ch03", epochs=1000, batch_size=3, lr=0.001)
    p.add_argument("--model", choices=sorted(MODELS), default="cbow", help="which simple word2vec model")
    p.add_argument("--hidden-size", type=positive_int, default=5, help="word-vector size H")
    args, run = start_training(p, argv)
    corpus, word_to_id, id_to_word = load()
    V = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=1)
    contexts, target = convert_one_hot(contexts, V).astype("f"), convert_one_hot(target, V)
    model = MODELS[args.model](V, args.hidden_size, rng=numpy.random.default_rng(args.seed))
    training = TrainingLoop(model, Adam(args.lr), ShuffledBatches((contexts, target), args.batch_size, args.seed),
                        max_grad=args.max_grad, run=run, extra=run_extra(args, id_to_word), log_every=100)
    history = fit(training, args, run)
    print("loss: first epoch %.3f, last epoch %.3f" % (history[0]["train_loss"], history[-1]["train_loss"]))
    for i in range(V):
        print(id_to_word[i], model.word_vecs[i])
    return model, history


if __name__ == "__main__":
    main_guard(main)
