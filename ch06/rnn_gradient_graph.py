"""Exploding and vanishing gradients through time (book 6.1), and gradient clipping.

Backpropagates dh through T steps of h W_h (tanh left out, as in the book) and
plots the norm per step for W_h = randn and W_h = 0.5 randn.

    python -m ch06.rnn_gradient_graph --out runs/ch06/gradient_norms.png
"""
import numpy

from common.cli import main_guard, parser
from common.gradients import clip_grads, global_norm
from common.plot import plot_curve


def gradient_norms(scale, N=2, H=3, T=20, seed=3):
    """Norms of dh over T steps of dh Wh^T for Wh = scale * randn (H, H); and Wh's largest singular value."""
    rng = numpy.random.RandomState(seed)
    dh = numpy.ones((N, H))
    Wh = rng.randn(H, H) * scale
    norms = []
    for _ in range(T):
        dh = dh @ Wh.T
        norms.append(float(numpy.sqrt(numpy.sum(dh ** 2)) / N))
    return norms, numpy.linalg.svd(Wh, compute_uv=False)[0]


def main(argv=None):
    p = parser("ch06.rnn_gradient_graph", __doc__)
    p.add_argument("--out", default="runs/ch06/gradient_norms.png", help="image file to write")
    args = p.parse_args(argv)
    curves = {}
    for scale in (1.0, 0.5):
        norms, sigma = gradient_norms(scale)
        curves[scale] = norms
        print("W_h = %.1f * randn: largest singular value %.2f; |dh| step 1 %.3g -> step 20 %.3g"
              % (scale, sigma, norms[0], norms[-1]))
    if not args.dry_run:
        plot_curve([curves[1.0], curves[0.5]], "time step", "norm of dh",
                   labels=["W_h = randn (explodes)", "W_h = 0.5 randn (vanishes)"], path=args.out)
    grads = [numpy.random.RandomState(0).rand(3, 3) * 10, numpy.random.RandomState(1).rand(3, 3) * 10]
    before = clip_grads(grads, max_norm=5.0)
    print("clip_grads: global norm %.2f -> %.2f (max_norm 5.0)" % (before, global_norm(grads)))
    return curves


if __name__ == "__main__":
    main_guard(main)
