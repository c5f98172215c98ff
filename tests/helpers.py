"""Shared test helpers: random float64 arrays, the gradient-check assertion, reference formulas, a
recording model stand-in, the project's own files."""
import os
import subprocess

import numpy

from common.gradcheck import check_layer

TOLERANCE = 1e-6


def randn(rng, *shape, scale=1.0):
    return rng.standard_normal(shape) * scale


def assert_gradients(layer, inputs, tol=TOLERANCE, **kwargs):
    errors = check_layer(layer, inputs, **kwargs)
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, "gradient check failed (relative errors): %s" % bad
    return errors


def ids(rng, high, *shape):
    return rng.integers(0, high, shape).astype(numpy.int64)


def sigmoid(a):
    """The textbook form, for references: 1 / (1 + exp(-a))."""
    return 1.0 / (1.0 + numpy.exp(-a))


def close(actual, expected):
    """Forward values equal a reference to float64 rounding."""
    numpy.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


def freeze_sampler(sampler):
    """Make negative sampling deterministic so numerical gradients see the same loss."""
    cache = {}
    draw = sampler.get_negative_sample

    def fixed(target):
        key = tuple(numpy.asarray(target).ravel())
        if key not in cache:
            cache[key] = draw(target)
        return cache[key]

    sampler.get_negative_sample = fixed


class RecordingModel:
    """A model stand-in that records the batches it sees and returns scripted losses."""

    def __init__(self, losses=None):
        self.params, self.grads, self.seen = [], [], []
        self.losses = iter(losses) if losses is not None else None

    def forward(self, x, t):
        self.seen.append(numpy.array(x))
        return next(self.losses) if self.losses is not None else 1.0

    def backward(self, dout=1):
        pass


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAPTERS = ["ch%02d" % i for i in range(1, 9)]
PROJECT_FOLDERS = ["common", "dataset"] + CHAPTERS + ["tests", "benchmarks", "docs", ".ci"]
TOP_LEVEL_FILES = ["README.md", "setup.py"]


def project_files(suffix=".py", folders=PROJECT_FOLDERS, root=ROOT):
    """The project's own files ending in ``suffix`` (a string or a tuple of them) under ``folders``, which
    may also name top-level files (paths relative to the checkout, sorted).

    In a git checkout these are the files git knows (tracked, or new and not ignored); elsewhere (an
    unpacked sdist) the files under the folders. Either way nothing outside the project's folders is
    read: not a virtual environment in the checkout (``.venv/``), ``runs/`` or caches. Folders are
    matched by whole path parts, never by substring.
    """
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=root, capture_output=True, check=True).stdout.decode().split("\0")
        paths = [p for p in listed if p and os.path.isfile(os.path.join(root, p))]
    except (OSError, subprocess.CalledProcessError):
        paths = list(_walk(folders, root))
    chosen = set(folders)
    return sorted(p.replace(os.sep, "/") for p in paths
                  if p.endswith(suffix) and p.replace(os.sep, "/").split("/")[0] in chosen)


def _walk(folders, root):
    for folder in folders:
        if os.path.isfile(os.path.join(root, folder)):
            yield folder
        for dirpath, subdirs, names in os.walk(os.path.join(root, folder)):
            subdirs[:] = [d for d in subdirs if d != "__pycache__"]
            for name in names:
                yield os.path.relpath(os.path.join(dirpath, name), root)
