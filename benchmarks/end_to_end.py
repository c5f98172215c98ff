"""Whole runs as a user meets them: a README job against the same recipe in PyTorch CPU.

Each arm is a separate process (start-up, data loading, training, evaluation), the two alternate
round after round (the order rotated every round, an idle gap before each), and the ratio of wall
times is taken within a round before the median over rounds is printed.

    python -m benchmarks.end_to_end                         # all four jobs, 3 rounds
    python -m benchmarks.end_to_end --jobs rnnlm --rounds 5

| job | ScratchNLP | PyTorch (benchmarks/torch_jobs.py) |
|---|---|---|
| rnnlm | python -m ch06.train_rnnlm --epochs 1 | python -m benchmarks.torch_jobs rnnlm |
| better | python -m ch06.train_better_rnnlm --epochs 1 --limit-tokens L | ... better --limit-tokens L |
| seq2seq | python -m ch07.train_seq2seq --reverse --model peeky --epochs 1 | ... seq2seq |
| attention | python -m ch08.train --epochs 1 | ... attention |

Train seconds are the epoch's training (ours: the record's epoch seconds less its validation), evaluation
seconds the validation and test passes, total the process's wall time. Ratios below 1 mean ScratchNLP
took less time.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy

from benchmarks.harness import machine, round_ratios, round_robin, run_child
from common.run_dir import read_records


def jobs(limit_tokens, quick=False):
    """{job: (our module and arguments, the PyTorch job's arguments)}; ``quick``: tiny slices, for tests."""
    lm = ["--limit-tokens", "3000"] if quick else []
    s2s = ["--limit", "512"] if quick else []
    return {
        "rnnlm": (["ch06.train_rnnlm", "--epochs", "1"] + lm, ["rnnlm"] + lm),
        "better": (["ch06.train_better_rnnlm", "--epochs", "1"] + (lm or ["--limit-tokens", str(limit_tokens)]),
                   ["better"] + (lm or ["--limit-tokens", str(limit_tokens)])),
        "seq2seq": (["ch07.train_seq2seq", "--reverse", "--model", "peeky", "--epochs", "1"] + s2s, ["seq2seq"] + s2s),
        "attention": (["ch08.train", "--epochs", "1"] + s2s, ["attention"] + s2s),
    }


def run_ours(argv, timeout=7200):
    """Our script in a fresh process and folder: wall time, and train/evaluation seconds and metric from its record."""
    with tempfile.TemporaryDirectory(prefix="end_to_end_") as folder:
        command = [sys.executable, "-m"] + argv + ["--out-dir", folder, "--save-minutes", "1000"]
        start = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        wall = time.perf_counter() - start
        if out.returncode != 0:
            raise RuntimeError("python -m %s failed (exit %d): %s" % (" ".join(argv), out.returncode, out.stderr[-800:]))
        records = read_records(os.path.join(folder, "record.jsonl"))
    epoch = [r for r in records if r["kind"] == "epoch"][-1]
    result = [r for r in records if r["kind"] == "result"][-1]
    evaluation = epoch["valid_seconds"] + result.get("test_seconds", 0.0)
    metric = "test_perplexity" if "test_perplexity" in result else "accuracy"
    return dict(total=wall, train=epoch["seconds"] - epoch["valid_seconds"], eval=evaluation,
                metric=metric, value=result[metric])


def run_torch(argv, timeout=7200):
    """The PyTorch twin in a fresh process: wall time, and what it reported."""
    start = time.perf_counter()
    r = run_child("benchmarks.torch_jobs", argv, timeout)
    return dict(total=time.perf_counter() - start, train=r["train_seconds"], eval=r["eval_seconds"],
                metric=r["metric"], value=r["value"])


ARMS = {"scratchnlp": run_ours, "pytorch": run_torch}


def measure(job, ours, theirs, rounds, gap, arms=ARMS):
    """{'scratchnlp': [result of round 1, ...], 'pytorch': [...]}, the two run in alternation
    (``harness.round_robin``); a line per round once both arms have run it."""
    done = {}

    def show(r, arm, result):
        done.setdefault(r, {})[arm] = result
        if len(done[r]) == 2:
            a, b = done[r]["scratchnlp"], done[r]["pytorch"]
            print("%-9s round %d: ScratchNLP %6.1f s (train %6.1f, eval %5.1f) %s %.4g | PyTorch %6.1f s "
                  "(train %6.1f, eval %5.1f) %s %.4g | ratio %.3f"
                  % (job, r + 1, a["total"], a["train"], a["eval"], a["metric"], a["value"], b["total"], b["train"],
                     b["eval"], b["metric"], b["value"], a["total"] / b["total"]), flush=True)

    return round_robin({"scratchnlp": ("scratchnlp", ours), "pytorch": ("pytorch", theirs)}, rounds, gap,
                       run=lambda arm, argv: arms[arm](argv), on_result=show)


def summarise(job, results):
    """The median and range of the per-round total-time ratios, and the medians of each part."""
    ratios = round_ratios(results, "scratchnlp", "pytorch", key="total")
    med = lambda arm, key: float(numpy.median([r[key] for r in results[arm]]))  # noqa: E731
    return dict(job=job, rounds=len(ratios), ratio=float(numpy.median(ratios)), low=min(ratios), high=max(ratios),
                train_ratio=float(numpy.median(round_ratios(results, "scratchnlp", "pytorch", key="train"))),
                ours={k: med("scratchnlp", k) for k in ("total", "train", "eval", "value")},
                theirs={k: med("pytorch", k) for k in ("total", "train", "eval", "value")},
                metric=results["scratchnlp"][0]["metric"])


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.end_to_end", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", nargs="+", choices=list(jobs(0)), default=list(jobs(0)), help="which jobs (default: all four)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of both arms per job (default: %(default)s)")
    p.add_argument("--gap", type=float, default=2.0, help="idle seconds before every run (default: %(default)s)")
    p.add_argument("--limit-tokens", type=int, default=100000, help="the BetterRnnlm job's ids per split (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="tiny slices of the data (checks the harness in seconds)")
    p.add_argument("--json", help="also write the summaries, each with the machine line, to this file")
    args = p.parse_args(argv)
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    if args.gap < 0 or args.limit_tokens < 1:
        p.error("--gap must be >= 0 and --limit-tokens at least 1")
    here = machine()
    print(here, flush=True)
    spec = jobs(args.limit_tokens, args.quick)
    summaries = []
    for job in args.jobs:
        summaries.append(dict(summarise(job, measure(job, *spec[job], args.rounds, args.gap)), machine=here))
    print("\n| job | rounds | ScratchNLP total s (train, eval) | PyTorch total s (train, eval) | "
          "ours / PyTorch, median (range) | train only | metric: ours, PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for s in summaries:
        o, t = s["ours"], s["theirs"]
        print("| %s | %d | %.1f (%.1f, %.1f) | %.1f (%.1f, %.1f) | **%.3f** (%.3f-%.3f) | %.3f | %s %.4g, %.4g |"
              % (s["job"], s["rounds"], o["total"], o["train"], o["eval"], t["total"], t["train"], t["eval"],
                 s["ratio"], s["low"], s["high"], s["train_ratio"], s["metric"], o["value"], t["value"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summaries, f, indent=1)
    return summaries


if __name__ == "__main__":
    main()
