"""Plotting helpers that never touch matplotlib's backend.

Figures are built as ``matplotlib.figure.Figure`` objects, outside pyplot: a script can
save them with no display, and in a notebook a figure shows inline exactly once (returned as
a cell's value, or through ``show``). Nothing here calls ``matplotlib.use`` or ``pyplot.show``.
"""
import os
import sys

from common.atomic import atomic_open


def new_figure(ncols=1, figsize=(6, 4)):
    """(fig, ax) or (fig, [ax, ...]) for ``ncols`` side-by-side axes, not registered with pyplot."""
    from matplotlib.figure import Figure

    if in_notebook():
        _register_inline_figures()
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(1, ncols)


def plot_curve(ys, xlabel, ylabel, xs=None, ylim=None, labels=None, title=None, path=None):
    """One curve (ys a list of numbers) or several (ys a list of lists, xs one list or one per curve);
    saved when ``path`` is given.

    Returns the Figure.
    """
    fig, ax = new_figure()
    series = ys if ys and isinstance(ys[0], (list, tuple)) else [ys]
    per_curve_xs = xs is not None and len(xs) > 0 and isinstance(xs[0], (list, tuple))
    for k, y in enumerate(series):
        x = xs[k] if per_curve_xs else xs
        x = x if x is not None else range(1, len(y) + 1)
        ax.plot(list(x)[:len(y)], y, marker="." if len(y) <= 50 else None, label=labels[k] if labels else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    if labels:
        ax.legend()
    if title:
        ax.set_title(title)
    if path:
        save_figure(fig, path)
    return fig


def save_figure(fig, path):
    """Write ``fig`` to ``path`` (the format from its extension), atomically."""
    fig.tight_layout()
    with atomic_open(path, "wb") as f:
        fig.savefig(f, dpi=100, format=os.path.splitext(path)[1][1:] or "png")
    print("saved %s" % path)
    return path


def in_notebook():
    """True inside a Jupyter/IPython kernel (where figures can be shown inline)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _register_inline_figures():
    """Let the notebook render Figure objects as PNG, as ``%matplotlib inline`` does.

    The backend is untouched.
    """
    from IPython.core.pylabtools import select_figure_formats

    select_figure_formats(sys.modules["IPython"].get_ipython(), {"png"})


def show(fig):
    """Show ``fig`` inline in a notebook; elsewhere say how to save it (there may be no display)."""
    if in_notebook():
        from IPython.display import display

        display(fig)
    else:
        print("(not in a notebook: pass a path to save the figure)")
