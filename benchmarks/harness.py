"""Fair timing of several implementations ("arms") on a noisy, shared machine.

Every measurement runs in a fresh process, so no arm inherits another's caches, allocator or
spinning BLAS helper threads; before each call the harness sleeps an idle gap; the arms take
turns round after round (in an order rotated every round), and each ratio is taken within a round (the arms ran within seconds of
each other) before the median over rounds is reported. Each child also reports its peak resident
memory (RSS).

A child is any ``python -m MODULE ARGS`` that ends by calling ``report(ms_per_step)``.
"""
import importlib.metadata
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy

PREFIX = "BENCHMARK-RESULT "


def peak_rss_mb():
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine():
    """One line naming this machine's CPU, cores, BLAS and PyTorch, which every benchmark prints first.

    Ratios against PyTorch depend on them: the same code ran the BetterRnnlm job at 1.02x PyTorch's
    time on an AMD EPYC and at 1.49x on an Intel Xeon, mostly because MKL's products are faster than
    OpenBLAS's there (docs/journal.md, "The same jobs on an Intel Xeon").
    """
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    blas = ""
    try:
        from threadpoolctl import threadpool_info
        found = [info for info in threadpool_info() if info.get("user_api") == "blas"]
        found.sort(key=lambda info: "numpy" not in info.get("filepath", ""))   # NumPy's own BLAS first
        if found:
            blas = " with %s %s (%s kernels, %d threads)" % (found[0]["internal_api"], found[0]["version"],
                                                             found[0].get("architecture"), found[0]["num_threads"])
    except ImportError:                    # threadpoolctl is optional: the BLAS is then not named
        pass
    try:
        torch = "PyTorch %s" % importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch = "no PyTorch"
    return "machine: %s, %d cores; NumPy %s%s; %s" % (cpu, os.cpu_count(), numpy.__version__, blas, torch)


def report(ms_per_step, **extra):
    """Called by a child: print the one line the harness reads."""
    print(PREFIX + json.dumps(dict(extra, ms=ms_per_step, rss_mb=peak_rss_mb())), flush=True)


def time_steps(step, steps, warmup=1):
    """Median ms of ``steps`` calls of ``step()`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1000.0 * float(numpy.median(times))


def run_child(module, argv, timeout=1800):
    """Run ``python -m module argv`` and return the dict it reported."""
    out = subprocess.run([sys.executable, "-m", module] + list(argv), capture_output=True, text=True,
                         timeout=timeout)
    for line in out.stdout.splitlines():
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    raise RuntimeError("%s %s reported nothing (exit %d): %s"
                       % (module, " ".join(argv), out.returncode, out.stderr.strip()[-500:]))


def round_order(names, r):
    """The arms' order in round r: rotated by one every round, so no arm always runs first."""
    k = r % len(names)
    return names[k:] + names[:k]


def round_robin(arms, rounds=5, gap=1.0, run=run_child, on_result=None):
    """arms: {name: (module, argv)}; returns {name: [report of round 1, 2, ...]}.

    ``on_result(round, name, report)``, when given, sees every report as it comes (progress lines)."""
    results = {name: [] for name in arms}
    for r in range(rounds):
        for name in round_order(list(arms), r):
            time.sleep(gap)
            results[name].append(run(*arms[name]))
            if on_result is not None:
                on_result(r, name, results[name][-1])
    return results


def median(results, name, key="ms"):
    return float(numpy.median([r[key] for r in results[name]]))


def round_ratios(results, a, b, key="ms"):
    """a's value divided by b's value in the same round, one per round."""
    return [ra[key] / rb[key] for ra, rb in zip(results[a], results[b])]


def median_ratio(results, a, b, key="ms"):
    """Median over rounds of a's value divided by b's value in the same round."""
    return float(numpy.median(round_ratios(results, a, b, key)))
