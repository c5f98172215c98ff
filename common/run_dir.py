"""The folder a training run writes to, and its record.

    runs/better/
        last.npz       the latest state: continue with --resume runs/better/last.npz
        best.npz       the state after the best validated epoch
        record.jsonl   one JSON line per event: start, every epoch, interrupted, diverged, result
        *.png          plots

A new run refuses a folder that already holds a checkpoint unless it resumes
from it or is told to ``overwrite``. The record is only ever appended to (a
new run adds a ``start`` line), and every file is replaced atomically.

``python -m common.run_dir runs/better`` prints a run's record as a Markdown table: one row per
epoch (train and validation numbers, lr, seconds), its starts, stops and result.
"""
import argparse
import json
import math
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


HIGHER_IS_BETTER = {"perplexity": False, "accuracy": True}     # the evaluators' names (common.evaluation)


def summary(records):
    """The latest run in ``records`` (from its last fresh start) as Markdown lines."""
    fresh = [i for i, r in enumerate(records) if r.get("kind") == "start" and not r.get("resumed_from")]
    run = records[fresh[-1]:] if fresh else records
    epochs = [r for r in run if r.get("kind") == "epoch"]
    lines = []
    starts = [r for r in run if r.get("kind") == "start"]
    if starts:
        lines.append("%s (%s), started %s, resumed %d times"
                     % (starts[0].get("command") or "a run", starts[0].get("machine", "?"), starts[0]["time"],
                        len(starts) - 1))
    if len(fresh) > 1:
        lines.append("earlier runs in this record, not shown: %d" % (len(fresh) - 1))
    metric = next((r.get("metric") for r in epochs if r.get("metric")), None)
    perplexity = metric == "perplexity"
    lines += ["", "| epoch | train %s | valid %s | lr | seconds | finished |" % (
        "perplexity" if perplexity else "loss", metric or "-"), "|---|---|---|---|---|---|"]
    best = None
    for r in epochs:
        valid = r.get("valid")
        if valid is not None and (best is None or (valid > best["valid"] if HIGHER_IS_BETTER.get(metric, False)
                                                   else valid < best["valid"])):
            best = r
        train = r["train_loss"]
        number = "%.2f" if perplexity else "%.4g"
        lines.append("| %d | %s | %s | %g | %s | %s |" % (
            r["epoch"], number % (math.exp(min(train, 709.0)) if perplexity else train),
            "-" if valid is None else number % valid, r["lr"], "{:,}".format(round(r["seconds"])), r["time"]))
    lines.append("")
    if epochs:
        seconds = sorted(r["seconds"] for r in epochs)
        lines.append("%d epochs, %s s each (median %s)" % (len(epochs), "-".join("{:,}".format(round(s))
                     for s in (seconds[0], seconds[-1])), "{:,}".format(round(seconds[len(seconds) // 2]))))
    if best is not None:
        lines.append("best: epoch %d, valid %s %.4g" % (best["epoch"], metric, best["valid"]))
    for r in run:
        if r.get("kind") == "interrupted":
            lines.append("interrupted: %s at epoch %d, iteration %d (%s)"
                         % (r.get("signal", "?"), r["epoch"], r["iteration"], r["time"]))
        elif r.get("kind") in ("diverged", "result"):
            shown = {k: v for k, v in r.items() if k not in ("kind", "time") and not isinstance(v, (list, dict))}
            lines.append("%s: %s (%s)" % (r["kind"], ", ".join("%s %s" % kv for kv in shown.items()), r["time"]))
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m common.run_dir",
                                description="Print a training run's record (record.jsonl) as a Markdown table.")
    p.add_argument("run_dir", help="the run's --out-dir, e.g. runs/better")
    args = p.parse_args(argv)
    path = os.path.join(args.run_dir, "record.jsonl")
    if not os.path.isfile(path):
        raise SystemExit("no record in %s: expected %s (the --out-dir of a training script)" % (args.run_dir, path))
    records = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise SystemExit("%s, line %d, is not a JSON record (%s)" % (path, number, error))
    print("\n".join(summary(records)))


if __name__ == "__main__":
    main()
