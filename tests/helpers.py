"""Shared test helpers: random float64 arrays and the gradient-check assertion."""
import numpy

from common.gradcheck import check_layer

TOLERANCE = 1e-6


def randn(rng, *shape, scale=1.0):
    return rng.standard_normal(shape) * scale


def assert_gradients(layer, inputs, tol=TOLERANCE, **kwargs):
    errors = check_layer(layer, inputs, **kwargs)
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, "gradient check failed (relative errors): %s" % bad
    return errors


def ids(rng, high, *shape):
    return rng.integers(0, high, shape).astype(numpy.int64)
