import os

import numpy
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))

# Tests read the real data from ../shared/data unless the caller chose a directory.
if not os.environ.get("SCRATCHNLP_DATA") and os.path.isdir(SHARED_DATA):
    os.environ["SCRATCHNLP_DATA"] = SHARED_DATA
if os.environ.get("SCRATCHNLP_DATA"):   # absolute, so tests may change the working folder
    os.environ["SCRATCHNLP_DATA"] = os.path.abspath(os.path.expanduser(os.environ["SCRATCHNLP_DATA"]))
os.environ.setdefault("SCRATCHNLP_OFFLINE", "1")


def has_data(relpath):
    d = os.environ.get("SCRATCHNLP_DATA")
    return bool(d) and os.path.exists(os.path.join(d, relpath))


needs_ptb = pytest.mark.skipif(not has_data("ptb/ptb.train.txt"), reason="PTB not available")


@pytest.fixture
def rng():
    return numpy.random.default_rng(0)


# N, T, D, H: sizes of 1 included; (2, 3, 2, 8) has 4 D <= H, where TimeLSTM takes its stacked path
SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 1, 2, 1), (1, 4, 1, 3), (2, 3, 2, 8)]


@pytest.fixture(params=SHAPES, ids=lambda s: "N%d-T%d-D%d-H%d" % s)
def shape(request):
    """The shapes forward values are pinned on."""
    return request.param


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test whose data file is missing (and cannot be downloaded) is skipped, with the reason."""
    from dataset.files import DataNotFoundError

    try:
        return (yield)
    except DataNotFoundError as exc:
        pytest.skip("data not available: %s" % exc)
