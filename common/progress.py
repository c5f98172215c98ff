"""Progress with the time left, and Ctrl-C that stops at a safe point.

``progress(iterable, total, desc)`` wraps any long loop (training epochs,
perplexity evaluation, decoding a test set). On a terminal with tqdm installed
it draws a tqdm bar; otherwise it prints a line every ``every`` seconds with
the time spent and the time left (so logs of long runs stay readable).

``stop_on_signals()`` turns the first Ctrl-C (SIGINT) or SIGTERM into a request:
every ``progress`` loop raises ``StopRequested`` at its next item, so training
can save a consistent checkpoint before it exits. A second Ctrl-C interrupts
at once, as usual.

``ProgressLines`` is what a training run prints (``common.training_loop``).
"""
import collections
import contextlib
import math
import signal
import sys
import threading
import time

_stop = {"requested": False, "signal": None}


class StopRequested(Exception):
    """Raised inside a progress loop after Ctrl-C / SIGTERM."""


def stop_requested():
    """True after Ctrl-C / SIGTERM inside ``stop_on_signals``."""
    return _stop["requested"]


def check_stop():
    """Raise ``StopRequested`` if a stop was requested."""
    if _stop["requested"]:
        raise StopRequested(_stop["signal"])


@contextlib.contextmanager
def stop_on_signals():
    """While active, SIGINT / SIGTERM set the stop request instead of killing the loop mid-update."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        if _stop["requested"] and signum == signal.SIGINT:
            raise KeyboardInterrupt
        _stop["requested"], _stop["signal"] = True, signal.Signals(signum).name
        print("\n%s: stopping at the next safe point to save a checkpoint (Ctrl-C again to abort at once)"
              % _stop["signal"], file=sys.stderr, flush=True)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    _stop["requested"], _stop["signal"] = False, None
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        _stop["requested"], _stop["signal"] = False, None


def format_seconds(s):
    """A short duration: 5s, 1m15s, 2h01m."""
    s = int(round(s))
    if s < 60:
        return "%ds" % s
    if s < 3600:
        return "%dm%02ds" % divmod(s, 60)
    return "%dh%02dm" % (s // 3600, s % 3600 // 60)


def use_bar():
    """A tqdm bar only on a terminal with tqdm installed; log files get plain lines."""
    if not sys.stderr.isatty():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def progress(iterable, total=None, desc="", enabled=True, every=10.0):
    """Yield from ``iterable`` with progress shown; raises ``StopRequested`` after Ctrl-C."""
    total = len(iterable) if total is None else total
    if enabled and use_bar():
        from tqdm import tqdm

        for item in tqdm(iterable, total=total, desc=desc, leave=False):
            check_stop()
            yield item
        return
    start = last = time.time()
    for k, item in enumerate(iterable):
        check_stop()
        yield item
        now = time.time()
        if enabled and now - last >= every and k + 1 < total:
            last = now
            done = k + 1
            print("| %s %d / %d | %s, %s left" % (desc, done, total, format_seconds(now - start),
                                                  format_seconds((now - start) * (total - done) / done)), flush=True)


PROGRESS_SECONDS = 10.0  # without eval_interval, a training progress line at most this often
PACE_LINES = 5           # the time left is estimated from the pace over this many progress lines


class ProgressLines:
    """What ``common.training_loop.TrainingLoop`` prints while it trains: one of its pluggable pieces.

    eval_interval: a line with the mean loss of every this many iterations, also kept in ``history``
        (the book's ``loss_list``); without it, a line at most every ``PROGRESS_SECONDS`` inside long
        epochs with the mean since the last line.
    report: 'loss' or 'perplexity', what the lines show.
    log_every: the epoch summary line every this many epochs (0: never).
    report_first: the interval lines come at iterations 1, 1 + eval_interval, ... (the book's).
    On a terminal with tqdm a bar replaces the iteration lines. Every line says the time left in
    the epoch and the run, from the pace over the last ``PACE_LINES`` lines, so a pause (a
    suspended machine) or a change of speed leaves the estimate after a few lines.
    """

    def __init__(self, eval_interval=None, report="loss", verbose=True, log_every=1, report_first=False):
        self.eval_interval, self.report, self.verbose = eval_interval, report, verbose
        self.log_every, self.report_first = log_every, report_first
        self.history = []              # mean loss (or perplexity) of every eval_interval iterations
        self.interval = [0.0, 0]       # sum and count of the losses since the last interval line
        self._bar = None
        self._pace = None              # (time, iteration) at the epoch's last progress lines

    def shown(self, mean_loss):
        """A mean loss as the lines show it: exp(loss) for perplexity."""
        return math.exp(min(mean_loss, 709.0)) if self.report == "perplexity" else mean_loss

    def start_epoch(self, epoch, iteration, n):
        self._pace = collections.deque([(time.time(), iteration)], maxlen=PACE_LINES + 1)
        if self.verbose and use_bar() and iteration < n:
            from tqdm import tqdm

            self._bar = tqdm(total=n, initial=iteration, desc="epoch %d" % (epoch + 1), leave=False)

    def end_epoch(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def after_iteration(self, losses, epoch, it, n, spent, target_epochs):
        """After iteration ``it`` of ``n``; losses: the epoch's so far; spent: the epoch's seconds so far."""
        loss = losses[-1]
        if self._bar is not None and (it + 1) % 10 == 0:
            self._bar.set_postfix({self.report: "%.2f" % self.shown(sum(losses[-10:]) / 10)})
        if self.eval_interval:
            self.interval[0] += loss
            self.interval[1] += 1
            if (it if self.report_first else it + 1) % self.eval_interval:
                return
            value = self.shown(self.interval[0] / self.interval[1])
            self.history.append(value)
            self.interval = [0.0, 0]
        else:
            last_line, line_from = self._pace[-1]
            if time.time() - last_line < PROGRESS_SECONDS or it + 1 == n:
                return
            recent = losses[line_from:]
            value = self.shown(sum(recent) / len(recent))
        if self.verbose and self._bar is None:
            now = time.time()
            self._pace.append((now, it + 1))
            then, done_then = self._pace[0]
            per_it = (now - then) / (it + 1 - done_then)
            left_epoch = per_it * (n - it - 1)
            left_run = left_epoch + per_it * n * max(0, (target_epochs or epoch + 1) - epoch - 1)
            print("| epoch %d | iter %d / %d | time %d[s] | left %s (run %s) | %s %.2f"
                  % (epoch + 1, it + 1, n, spent, format_seconds(left_epoch), format_seconds(left_run),
                     self.report, value), flush=True)

    def epoch_line(self, record, finished, target_epochs):
        """The summary line of a finished epoch (``record``: its line in the run's record)."""
        if not (self.verbose and self.log_every and (finished % self.log_every == 0 or finished == target_epochs)):
            return
        shown = "" if record["valid"] is None else " | valid %s %.4g" % (record["metric"], record["valid"])
        print("| epoch %d | train %s %.4g%s | lr %g | %s" % (
            record["epoch"], self.report, self.shown(record["train_loss"]), shown, record["lr"],
            format_seconds(record["seconds"])), flush=True)

    def state_dict(self):
        return {"interval_history": self.history, "interval": list(self.interval)}

    def load_state_dict(self, state):
        self.history, self.interval = state["interval_history"], state["interval"]
