"""Train TwoLayerNet on the spiral data set (book 1.4) and plot the loss and the decision boundary.

    python -m ch01.train --epochs 300
"""
import numpy

from ch01.two_layer_net import TwoLayerNet
from common.batches import ShuffledBatches
from common.cli import fit, main_guard, positive_int, run_extra, start_training, training_parser
from common.np import to_cpu, to_gpu
from common.optimizer import OPTIMIZERS
from common.plot import new_figure, plot_curve, save_figure
from common.training_loop import TrainingLoop
from dataset import spiral


def accuracy(model, x, t):
    """Fraction of rows of x (N, D) whose arg-max score matches the one-hot t (N, C)."""
    return float((to_cpu(model.predict(x)).argmax(axis=1) == to_cpu(t).argmax(axis=1)).mean())


def plot_decision_boundary(model, x, t, path=None, step=0.01):
    """Class regions of the model over the plane with the data on top (a Figure; saved when ``path`` is given)."""
    x, t = to_cpu(x), to_cpu(t)
    x_min, x_max = x[:, 0].min() - 0.1, x[:, 0].max() + 0.1
    y_min, y_max = x[:, 1].min() - 0.1, x[:, 1].max() + 0.1
    xx, yy = numpy.meshgrid(numpy.arange(x_min, x_max, step), numpy.arange(y_min, y_max, step))
    grid = numpy.c_[xx.ravel(), yy.ravel()].astype(numpy.float32)
    z = to_cpu(model.predict(to_gpu(grid))).argmax(axis=1).reshape(xx.shape)
    fig, ax = new_figure(figsize=(5, 5))
    ax.contourf(xx, yy, z, alpha=0.3)
    for c, marker in zip(range(t.shape[1]), "ox^"):
        pts = x[t.argmax(axis=1) == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=30, marker=marker)
    ax.set_title("decision boundary")
    if path:
        save_figure(fig, path)
    return fig


def main(argv=None):
    p = training_parser("ch01.train", __doc__, out_dir="runs/ch01", epochs=300, batch_size=30, lr=1.0,
                        eval_interval=10)
    p.add_argument("--hidden-size", type=positive_int, default=10, help="hidden units H")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd", help="optimizer")
    args, run = start_training(p, argv)
    x, t = map(to_gpu, spiral.load_data())
    model = TwoLayerNet(2, args.hidden_size, 3, rng=numpy.random.default_rng(args.seed))
    training = TrainingLoop(model, OPTIMIZERS[args.optimizer](lr=args.lr), ShuffledBatches((x, t), args.batch_size, args.seed),
                        max_grad=args.max_grad, run=run, extra=run_extra(args), eval_interval=args.eval_interval,
                        log_every=50)
    fit(training, args, run)
    acc = accuracy(model, x, t)
    print("train accuracy: %.3f" % acc)
    if run:
        plot_curve(training.interval_history, "iterations (x%d)" % args.eval_interval, "loss",
                   path=run.file("loss.png"))
        plot_decision_boundary(model, x, t, run.file("decision_boundary.png"))
        run.append({"kind": "result", "train_accuracy": acc})
    return acc


if __name__ == "__main__":
    main_guard(main)
