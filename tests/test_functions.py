"""common/functions.py: the plain array functions the layers are written with."""
import math

import numpy
import pytest


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_softplus_is_log_one_plus_exp_without_overflow(dtype):
    from common.functions import softplus
    x = numpy.array([-800.0, -30.0, -1.5, 0.0, 0.25, 30.0, 800.0], dtype=dtype)
    out = softplus(x)
    assert out.dtype == dtype
    want = [math.log1p(math.exp(v)) if v < 30 else v + math.log1p(math.exp(-v)) for v in x.astype(float)]
    numpy.testing.assert_allclose(out, want, rtol=1e-6 if dtype == numpy.float32 else 1e-15, atol=0)
    assert out[3] == pytest.approx(math.log(2))
