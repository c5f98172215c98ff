"""The library's random streams: ``seed`` seeds all of them; dropout draws from a stream whose state
a checkpoint stores (``rng_state`` / ``set_rng_state``).
"""
import numpy

from common.np import GPU, np

# Dropout masks come from a counter-based stream: draw k uses a generator seeded
# with (seed, k). Its whole state is two integers, the same on NumPy and CuPy,
# so a checkpoint can store it and a resumed run draws exactly the same masks.
_seed = int(numpy.random.SeedSequence().generate_state(1)[0])
_draws = 0


def seed(value):
    """Seed every random source the library uses (NumPy, and CuPy when active)."""
    global _seed, _draws
    numpy.random.seed(value)
    _seed, _draws = int(value), 0
    if GPU:
        np.random.seed(value)


def rng_state():
    """The state of ``rand``'s stream as a JSON-able dict (see ``set_rng_state``)."""
    return {"seed": _seed, "draws": _draws}


def set_rng_state(state):
    """Continue the dropout stream from ``rng_state()`` output."""
    global _seed, _draws
    _seed, _draws = int(state["seed"]), int(state["draws"])


def rand(shape, dtype="f"):
    """Uniform [0, 1) samples of ``shape`` on the active device (the next draw of the stream)."""
    global _draws
    _draws += 1
    if GPU:
        return np.random.RandomState(_seed * 1000003 + _draws).random_sample(size=shape, dtype=dtype)
    return numpy.random.default_rng([_seed, _draws]).random(shape, dtype=numpy.dtype(dtype))
