"""The folder a training run writes to, and its record.

    runs/better/
        last.npz       the latest state: continue with --resume runs/better/last.npz
        best.npz       the state after the best validated epoch
        record.jsonl   one JSON line per event: start, every epoch, interrupted, diverged, result
        *.png          plots

A new run refuses a folder that already holds a checkpoint unless it resumes
from it or is told to ``overwrite``. The record is only ever appended to (a
new run adds a ``start`` line), and every file is replaced atomically.
"""
import json
import os
import platform
import time

from common.atomic import write_text
from common.np import GPU


class RunExistsError(Exception):
    """The output folder holds a previous run's checkpoint."""


def machine():
    """A one-line description of this machine for the records."""
    return "%s, %d CPU cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                     "CuPy GPU" if GPU else "NumPy CPU")


class RunDirectory:
    """A run's output folder: checkpoints, the JSON-lines record, plots (see the module docstring)."""
    CHECKPOINTS = ("last.npz", "best.npz")

    def __init__(self, path, command="", resuming=None, overwrite=False):
        """``resuming``: the checkpoint a resumed run starts from (or True), None for a new run."""
        self.path = os.fspath(path)
        self.command = command
        existing = [name for name in self.CHECKPOINTS if os.path.exists(os.path.join(self.path, name))]
        if isinstance(resuming, (str, os.PathLike)) and os.path.exists(self.last) and not overwrite \
                and os.path.abspath(resuming) != os.path.abspath(self.last):
            raise RunExistsError(
                "resuming from %s into %s would replace its last.npz (a later state of the run): resume into "
                "another --out-dir, or pass --overwrite to replace it" % (resuming, self.path))
        if existing and not resuming:
            if not overwrite:
                raise RunExistsError(
                    "%s already holds a run (%s). Continue it with --resume %s, start over with --overwrite "
                    "(replaces its checkpoints; the record is kept), or choose another --out-dir"
                    % (self.path, ", ".join(existing), os.path.join(self.path, "last.npz")))
            for name in existing:
                os.remove(os.path.join(self.path, name))
            print("--overwrite: removed %s from %s" % (", ".join(existing), self.path))
        os.makedirs(self.path, exist_ok=True)

    @property
    def last(self):
        return os.path.join(self.path, "last.npz")

    @property
    def best(self):
        return os.path.join(self.path, "best.npz")

    @property
    def record_path(self):
        return os.path.join(self.path, "record.jsonl")

    def file(self, name):
        return os.path.join(self.path, name)

    def records(self):
        if not os.path.exists(self.record_path):
            return []
        with open(self.record_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def append(self, entry):
        """Add one JSON line to record.jsonl (the file is rewritten atomically)."""
        entry = dict(entry, time=time.strftime("%Y-%m-%d %H:%M:%S"))
        old = open(self.record_path).read() if os.path.exists(self.record_path) else ""
        if old and not old.endswith("\n"):
            old += "\n"
        write_text(self.record_path, old + json.dumps(entry, default=float) + "\n")

    def start(self, args, resumed_from=None):
        self.append({"kind": "start", "command": self.command, "args": args, "resumed_from": resumed_from,
                     "machine": machine()})

    def resume_hint(self):
        return ("%s --resume %s" % (self.command, self.last)).strip()
