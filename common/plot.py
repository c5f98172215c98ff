"""Headless plotting helpers: every figure is written to a file, never shown."""
import os

from common.atomic import atomic_open


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_curve(path, ys, xlabel, ylabel, xs=None, ylim=None, labels=None, title=None):
    """Plot one curve (ys is a list of numbers) or several (ys is a list of lists)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    series = ys if ys and isinstance(ys[0], (list, tuple)) else [ys]
    for k, y in enumerate(series):
        x = xs if xs is not None else range(1, len(y) + 1)
        ax.plot(list(x)[:len(y)], y, label=labels[k] if labels else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    if labels:
        ax.legend()
    if title:
        ax.set_title(title)
    save_figure(fig, path)


def save_figure(fig, path):
    """Write ``fig`` to ``path`` (the format from its extension), atomically, and close it."""
    fig.tight_layout()
    with atomic_open(path, "wb") as f:
        fig.savefig(f, dpi=100, format=os.path.splitext(path)[1][1:] or "png")
    pyplot().close(fig)
    print("saved %s" % path)
