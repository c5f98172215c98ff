"""Atomic file writes: a file is either its old complete self or its new complete self.

Everything a run writes (checkpoints, word vectors, records, plots) goes
through ``atomic_open``: the data is written to a temporary file in the same
folder, flushed to disk, and then renamed over the target in one step. A crash,
a kill or a full disk never leaves a truncated file, and the temporary file is
removed when writing fails. The new file gets the user's normal permissions
(0666 minus the umask), as ``open`` would give it.
"""
import contextlib
import os
import secrets


@contextlib.contextmanager
def atomic_open(path, mode="wb"):
    """``with atomic_open(path, "w") as f: ...`` writes ``path`` all at once, or not at all."""
    if mode not in ("w", "wb"):
        raise ValueError("atomic_open writes whole files: mode must be 'w' or 'wb', got %r" % mode)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, ".%s.tmp-%s" % (os.path.basename(path), secrets.token_hex(4)))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies, as for open()
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_text(path, text):
    """Write ``text`` to ``path`` atomically; returns the path."""
    with atomic_open(path, "w") as f:
        f.write(text)
    return path
