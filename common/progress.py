"""Progress with the time left, and Ctrl-C that stops at a safe point.

``progress(iterable, total, desc)`` wraps any long loop (training epochs,
perplexity evaluation, decoding a test set). On a terminal with tqdm installed
it draws a tqdm bar; otherwise it prints a line every ``every`` seconds with
the time spent and the time left (so logs of long runs stay readable).

``stop_on_signals()`` turns the first Ctrl-C (SIGINT) or SIGTERM into a request:
every ``progress`` loop raises ``StopRequested`` at its next item, so training
can save a consistent checkpoint before it exits. A second Ctrl-C interrupts
at once, as usual.
"""
import contextlib
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
