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
epoch (train and validation numbers, lr, seconds), its starts, stops and result;
``python -m common.run_dir runs/a runs/b --plot curves.png`` draws their validation curves in one plot.
"""
import argparse
import json
import math
import os
import platform
import time

from common.atomic import write_text
from common.evaluation import ClassifierAccuracy, Perplexity, Seq2seqAccuracy
from common.np import GPU


class RunExistsError(Exception):
    """The output folder holds a previous run's checkpoint."""


def machine():
    """A one-line description of this machine for the records."""
    return "%s, %d CPU cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                     "CuPy GPU" if GPU else "NumPy CPU")


def read_records(path):
    """The JSON lines of a record.jsonl, as dicts; a line that is not JSON is a ValueError naming it."""
    records = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise ValueError("%s, line %d, is not a JSON record (%s)" % (path, number, error)) from None
    return records


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
        return read_records(self.record_path) if os.path.exists(self.record_path) else []

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


def _higher_is_better(metric):
    return {cls.name: cls.higher_is_better for cls in (Perplexity, Seq2seqAccuracy, ClassifierAccuracy)}.get(metric, False)


def latest_run(records):
    """The records of the latest run (from its last fresh start, resumes included), and how many fresh
    starts ``records`` holds."""
    fresh = [i for i, r in enumerate(records) if r.get("kind") == "start" and not r.get("resumed_from")]
    return (records[fresh[-1]:] if fresh else records), len(fresh)


def summary(records):
    """The latest run in ``records`` (from its last fresh start) as Markdown lines: who ran it where,
    a table with one row per epoch, the epochs' times, the best epoch, stops and the result."""
    run, fresh_starts = latest_run(records)
    starts = [r for r in run if r.get("kind") == "start"]
    epochs = [r for r in run if r.get("kind") == "epoch"]
    metric = next((r["metric"] for r in epochs if r.get("metric")), None)
    lines = []
    if starts:
        first = starts[0]
        lines.append("%s (%s), started %s, resumed %d times" % (
            first.get("command") or "a run", first.get("machine", "?"), first["time"], len(starts) - 1))
    if fresh_starts > 1:
        lines.append("earlier runs in this record, not shown: %d" % (fresh_starts - 1))
    lines += [""] + _epoch_table(epochs, metric) + [""]
    if epochs:
        seconds = sorted(r["seconds"] for r in epochs)
        lines.append("%d epoch%s, %s-%s s each (median %s)" % (
            len(epochs), "" if len(epochs) == 1 else "s", _count(seconds[0]), _count(seconds[-1]),
            _count(seconds[len(seconds) // 2])))
    validated = [r for r in epochs if r.get("valid") is not None]
    if validated:
        pick = max if _higher_is_better(metric) else min
        best = pick(validated, key=lambda r: r["valid"])          # the first of equals, as training keeps it
        lines.append("best: epoch %d, valid %s %.4g" % (best["epoch"], metric, best["valid"]))
    for r in run:
        if r.get("kind") == "interrupted":
            lines.append("interrupted: %s at epoch %d, iteration %d (%s)"
                         % (r.get("signal", "?"), r["epoch"], r["iteration"], r["time"]))
        elif r.get("kind") in ("diverged", "result"):
            shown = ["%s %s" % (k, _number(v)) for k, v in r.items()
                     if k not in ("kind", "time") and not isinstance(v, (list, dict))]
            lines.append("%s: %s (%s)" % (r["kind"], ", ".join(shown), r["time"]))
    return lines


def _epoch_table(epochs, metric):
    """Markdown rows: epoch, train perplexity (or loss), validation metric, lr, seconds, finish time."""
    perplexity = metric == "perplexity"
    number = "%.2f" if perplexity else "%.4g"
    rows = ["| epoch | train %s | %s | lr | seconds | finished |" % (
        "perplexity" if perplexity else "loss", ("valid " + (metric or "")).strip()), "|---|---|---|---|---|---|"]
    for r in epochs:
        train = math.exp(min(r["train_loss"], 709.0)) if perplexity else r["train_loss"]
        valid = "-" if r.get("valid") is None else number % r["valid"]
        rows.append("| %d | %s | %s | %g | %s | %s |" % (r["epoch"], number % train, valid, r["lr"],
                                                        _count(r["seconds"]), r["time"]))
    return rows


def _count(seconds):
    return "{:,}".format(round(seconds))


def _number(value):
    """A record's value for reading: 4 significant digits, thousands separated from 10,000 on."""
    if not isinstance(value, float):
        return value
    return "{:,.0f}".format(value) if abs(value) >= 1e4 else "%.4g" % value


def validation_curve(records):
    """(metric, [(epoch, valid value), ...]) of the latest run in ``records`` (as ``summary`` picks it)."""
    epochs = [r for r in latest_run(records)[0] if r.get("kind") == "epoch" and r.get("valid") is not None]
    metric = next((r["metric"] for r in epochs if r.get("metric")), "valid")
    return metric, [(r["epoch"], r["valid"]) for r in epochs]


def plot_runs(curves, path=None, title=None):
    """One validation curve per (label, metric, [(epoch, value), ...]); a Figure, saved when ``path`` is given."""
    from matplotlib.ticker import MaxNLocator, ScalarFormatter

    from common.plot import plot_curve, save_figure

    metrics = sorted({metric for _, metric, _ in curves})
    fig = plot_curve([[v for _, v in points] for _, _, points in curves], "epoch", "validation " + " / ".join(metrics),
                     xs=[[e for e, _ in points] for _, _, points in curves], labels=[c[0] for c in curves], title=title)
    ax = fig.axes[0]
    if metrics == ["perplexity"]:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3, which="both")
    if path:
        save_figure(fig, path)
    return fig


def read_curve(path):
    """(metric, [(epoch, value), ...]) of a run folder's record, or of a CSV file with the header
    ``epoch,METRIC`` (lines starting with # are comments: where the numbers came from)."""
    if not path.endswith(".csv"):
        return validation_curve(_load_run(path))
    with open(path) as f:
        rows = [line.strip().split(",") for line in f if line.strip() and not line.startswith("#")]
    if not rows or rows[0][0] != "epoch" or len(rows[0]) < 2:
        raise SystemExit("%s: expected a header line 'epoch,METRIC'" % path)
    return rows[0][1], [(int(r[0]), float(r[1])) for r in rows[1:]]


def _load_run(run_dir):
    path = os.path.join(run_dir, "record.jsonl")
    if not os.path.isfile(path):
        raise SystemExit("no record in %s: expected %s (the --out-dir of a training script)" % (run_dir, path))
    try:
        return read_records(path)
    except ValueError as error:
        raise SystemExit(str(error)) from None


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m common.run_dir",
                                description="Print a training run's record (record.jsonl) as a Markdown table, "
                                            "or plot the validation curves of several runs.")
    p.add_argument("run_dirs", nargs="+", metavar="run_dir",
                   help="a run's --out-dir, e.g. runs/better (with --plot also a CSV file 'epoch,METRIC')")
    p.add_argument("--plot", metavar="PNG", help="draw the runs' validation curves into this image instead")
    p.add_argument("--labels", help="comma-separated curve labels (default: the folders' names)")
    p.add_argument("--title", help="the plot's title")
    args = p.parse_args(argv)
    labels = (args.labels.split(",") if args.labels else
              [os.path.splitext(os.path.basename(os.path.normpath(d)))[0] for d in args.run_dirs])
    if len(labels) != len(args.run_dirs):
        p.error("--labels names %d curves for %d runs" % (len(labels), len(args.run_dirs)))
    if args.plot:
        plot_runs([(label, *read_curve(d)) for label, d in zip(labels, args.run_dirs)],
                  args.plot, args.title)
        return
    for k, run_dir in enumerate(args.run_dirs):
        print(("\n" if k else "") + "\n".join(summary(_load_run(run_dir))))


if __name__ == "__main__":
    main()
