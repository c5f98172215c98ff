"""One command-line vocabulary for every entry point.

``training_parser`` gives the options every training script shares (``--epochs
--batch-size --lr --max-grad --seed --out-dir --resume --overwrite --dry-run
--eval-interval --save-minutes``), each with help text and its default shown, and values
checked by argparse. ``start_training`` turns the parsed options into a seeded,
ready ``RunDirectory`` (or none for ``--dry-run``) and, with ``--resume``, takes
the run's settings from its checkpoint. ``main_guard`` maps the training
outcomes to exit codes: Ctrl-C 130 (SIGTERM 143), divergence, a bad checkpoint or missing data 1,
an occupied out-dir 2.
"""
import argparse
import math
import os
import re
import sys

from common.checkpoint import CheckpointError, run_settings, vocab_entry
from common.input_checks import InputError
from common.rng import seed as seed_everything
from common.run_dir import RunDirectory, RunExistsError
from common.training_loop import TrainingDiverged, TrainingInterrupted

# options a resumed run may change; every other one is the checkpoint's
RESUME_MAY_CHANGE = {"epochs", "resume", "out_dir", "overwrite", "dry_run", "eval_interval", "save_minutes"}


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows every option's default and keeps the module docstring's line breaks."""

    def _get_help_string(self, action):
        """No "(default: ...)" where the help explains its default itself ("default: all"), where there is none,
        or on an on/off switch (``--dry-run``), which is off unless given."""
        text = action.help or ""
        switch = action.nargs == 0 and isinstance(action.const, bool) and action.default is (not action.const)
        if re.search(r"\bdefault\b", text) or action.default is None or switch:
            return text
        return super()._get_help_string(action)


def _number(kind, low, high=None, low_open=False, what=""):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%r is not a%s %s" % (text, "n" if kind is int else "", kind.__name__)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError("%r is not a finite number" % text)
        if (value <= low if low_open else value < low) or (high is not None and value >= high):
            raise argparse.ArgumentTypeError("%s must be %s, got %s" % (kind.__name__, what, text))
        return value
    return parse


positive_int = _number(int, 0, low_open=True, what="> 0")
non_negative_int = _number(int, 0, what=">= 0")
positive_float = _number(float, 0.0, low_open=True, what="> 0")
non_negative_float = _number(float, 0.0, what=">= 0")
fraction = _number(float, 0.0, 1.0, what="in [0, 1)")
at_least_one = _number(float, 1.0, what=">= 1")


def parser(module, doc, dry_run=True):
    """An ArgumentParser named ``python -m module`` with the module docstring as description
    (and ``--dry-run``, which every chapter script has; benchmarks pass ``dry_run=False``)."""
    p = argparse.ArgumentParser(prog="python -m " + module, description=doc, formatter_class=HelpFormatter)
    if dry_run:
        p.add_argument("--dry-run", action="store_true",
                       help="check the setup end to end in seconds on a small slice of the data; writes nothing")
    return p


def training_parser(module, doc, out_dir, epochs, batch_size, lr, max_grad=None, eval_interval=None):
    """A parser with the options every training script shares, with their defaults shown."""
    p = parser(module, doc)
    p.add_argument("--epochs", type=positive_int, default=epochs,
                   help="epochs to train in total (a resumed run counts the epochs it already did)")
    p.add_argument("--batch-size", type=positive_int, default=batch_size, help="samples per mini-batch")
    p.add_argument("--lr", type=positive_float, default=lr, help="initial learning rate")
    p.add_argument("--max-grad", type=positive_float, default=max_grad,
                   help="clip the global gradient norm to this" + ("" if max_grad else " (default: none, no clipping)"))
    p.add_argument("--eval-interval", type=positive_int, default=eval_interval,
                   help="print the mean training loss every this many iterations")
    p.add_argument("--seed", type=int, default=1, help="seed of every random choice (weights, batches, dropout)")
    p.add_argument("--out-dir", default=out_dir,
                   help="folder for last.npz, best.npz, record.jsonl and plots (with --resume: the checkpoint's folder)")
    p.add_argument("--resume", metavar="CHECKPOINT", default=None,
                   help="continue the run saved in CHECKPOINT (its settings, position, lr and random states)")
    p.add_argument("--overwrite", action="store_true",
                   help="start a new run in an out-dir that holds a checkpoint (its checkpoints are replaced)")
    p.add_argument("--save-minutes", type=positive_float, default=10.0,
                   help="also save last.npz inside an epoch when this many minutes have passed since the last "
                        "save, so a killed process loses at most that much")
    return p


def explicit_options(p, argv):
    """The options given on the command line (not defaults), as a dict of dests."""
    saved, parser_defaults = {a.dest: a.default for a in p._actions}, p._defaults
    try:
        for a in p._actions:
            a.default = argparse.SUPPRESS
        p._defaults = {}
        return vars(p.parse_args(argv))
    finally:
        for a in p._actions:
            a.default = saved[a.dest]
        p._defaults = parser_defaults


def resolve_resume(p, argv, args):
    """With --resume: the checkpoint's settings, plus what may change (``RESUME_MAY_CHANGE``)."""
    try:
        saved, finished = run_settings(args.resume)
    except (CheckpointError, FileNotFoundError) as exc:
        p.error(str(exc))
    given = explicit_options(p, argv)
    merged = dict(vars(args), **saved)
    for key, value in given.items():
        if key in RESUME_MAY_CHANGE:
            merged[key] = value
        elif saved.get(key, value) != value:
            p.error("--%s %s: this run was trained with --%s %s, and a resumed run keeps its settings "
                    "(drop the option, or start a new run)" % (key.replace("_", "-"), value,
                                                               key.replace("_", "-"), saved[key]))
    if "epochs" in merged and finished >= merged["epochs"] and not args.dry_run:
        p.error("%s is at the end of epoch %d, and the run trains to --epochs %d: nothing to resume "
                "(give --epochs N with N > %d to train on)" % (args.resume, finished, merged["epochs"], finished))
    if "out_dir" not in given:
        merged["out_dir"] = os.path.dirname(os.path.abspath(args.resume))
    merged["resume"] = args.resume
    return argparse.Namespace(**merged)


def start_training(p, argv=None):
    """Parse, resolve --resume, seed everything, open the run folder (None on --dry-run).

    Returns (args, run).
    """
    args = p.parse_args(argv)
    if getattr(args, "resume", None):
        args = resolve_resume(p, argv, args)
    seed_everything(args.seed)
    if args.dry_run:
        return args, None
    run = RunDirectory(args.out_dir, command=p.prog, resuming=args.resume, overwrite=args.overwrite)
    return args, run


def run_extra(args, id_to_word=None, **more):
    """What the scripts store in every checkpoint: their settings and, if any, the vocabulary."""
    extra = {"args": {k: v for k, v in vars(args).items() if k not in ("resume", "overwrite", "dry_run")}}
    if id_to_word is not None:
        extra["vocab"] = vocab_entry(id_to_word)
    extra.update(more)
    return extra


def fit(training, args, run):
    """Resume when asked, note the start in the record, and train to ``args.epochs``.

    With --dry-run: one short epoch.
    """
    if args.resume:
        training.restore(args.resume, check_batches=not args.dry_run)
        print("resumed %s after epoch %d, iteration %d (lr %g)"
              % (args.resume, training.epoch, training.iteration, training.optimizer.lr))
    if run is not None:
        run.start({k: v for k, v in vars(args).items()}, resumed_from=args.resume)
        training.periodic_save.minutes = args.save_minutes
    if args.dry_run:
        training.max_iterations = 2
    return training.fit(1 if args.dry_run else args.epochs)


def main_guard(main):
    """Run ``main()`` as a command: the outcomes of a run become a message and an exit code."""
    try:
        return main()
    except TrainingInterrupted as exc:
        print("\ninterrupted: %s" % exc, file=sys.stderr)
        sys.exit(143 if exc.signal_name == "SIGTERM" else 130)
    except TrainingDiverged as exc:
        print("error: %s" % exc, file=sys.stderr)
        sys.exit(1)
    except RunExistsError as exc:
        print("error: %s" % exc, file=sys.stderr)
        sys.exit(2)
    except (InputError, FileNotFoundError) as exc:      # a bad checkpoint or vector file, missing data
        print("error: %s" % exc, file=sys.stderr)
        sys.exit(1)

