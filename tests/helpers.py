"""Shared test helpers: random float64 arrays, the gradient-check assertion, the project's own files."""
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
