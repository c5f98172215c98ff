"""Train TwoLayerNet on the spiral data set (book 1.4) and plot the loss and the decision boundary.

    python -m ch01.train --epochs 300
"""
import argparse
import os

import numpy

from ch01.two_layer_net import TwoLayerNet
from common.cli import add_common_args, setup_run, write_result
from common.np import to_cpu, to_gpu
from common.optimizer import OPTIMIZERS
from common.plot import pyplot, save_figure
from common.trainer import Trainer
from dataset import spiral


def accuracy(model, x, t):
    return float((to_cpu(model.predict(x)).argmax(axis=1) == to_cpu(t).argmax(axis=1)).mean())


def plot_decision_boundary(model, x, t, path, step=0.01):
    plt = pyplot()
    x, t = to_cpu(x), to_cpu(t)
    x_min, x_max = x[:, 0].min() - 0.1, x[:, 0].max() + 0.1
    y_min, y_max = x[:, 1].min() - 0.1, x[:, 1].max() + 0.1
    xx, yy = numpy.meshgrid(numpy.arange(x_min, x_max, step), numpy.arange(y_min, y_max, step))
    grid = numpy.c_[xx.ravel(), yy.ravel()].astype(numpy.float32)
    z = to_cpu(model.predict(to_gpu(grid))).argmax(axis=1).reshape(xx.shape)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.contourf(xx, yy, z, alpha=0.3)
    for c, marker in zip(range(t.shape[1]), "ox^"):
        pts = x[t.argmax(axis=1) == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=30, marker=marker)
    ax.set_title("decision boundary")
    save_figure(fig, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=30)
    p.add_argument("--hidden-size", type=int, default=10)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    add_common_args(p, os.path.join("runs", "ch01"))
    args = p.parse_args(argv)
    out_dir = setup_run(args)
    x, t = spiral.load_data()
    x, t = to_gpu(x), to_gpu(t)
    model = TwoLayerNet(2, args.hidden_size, 3, rng=numpy.random.default_rng(args.seed))
    trainer = Trainer(model, OPTIMIZERS[args.optimizer](lr=args.lr), seed=args.seed)
    trainer.fit(x, t, max_epoch=args.epochs, batch_size=args.batch_size, eval_interval=10)
    acc = accuracy(model, x, t)
    print("train accuracy: %.3f" % acc)
    trainer.plot(os.path.join(out_dir, "loss.png"))
    plot_decision_boundary(model, x, t, os.path.join(out_dir, "decision_boundary.png"))
    write_result(out_dir, "result", {"args": vars(args), "accuracy": acc, "final_loss": trainer.loss_list[-1]})
    return acc


if __name__ == "__main__":
    main()
