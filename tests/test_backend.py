"""The array backend: NumPy by default, CuPy on request, a clear fallback without CuPy."""
import importlib.util
import os
import subprocess
import sys

import numpy
import pytest

from tests.helpers import ROOT, project_files

HAVE_CUPY = importlib.util.find_spec("cupy") is not None


def run_python(code, **env):
    full_env = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_numpy_is_the_default():
    out = run_python("from common.np import np, GPU; print(np.__name__, GPU)", SCRATCHNLP_GPU="0")
    assert out.stdout.split() == ["numpy", "False"]


FAULTS_PER_ALLOCATION = """
import resource, numpy
import common.np
def faults():
    start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        a = numpy.ones(1 << 24, dtype=numpy.float32)      # 64 MiB, written, freed
        del a
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - start) / 5
faults()
print(faults())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the allocator setting is for Linux (glibc)")
def test_freed_array_memory_is_reused_without_page_faults():
    kept = float(run_python(FAULTS_PER_ALLOCATION).stdout)
    default = float(run_python(FAULTS_PER_ALLOCATION, SCRATCHNLP_KEEP_MEMORY="0").stdout)
    assert kept < 20 < default, (kept, default)      # 64 MiB of fresh pages: hundreds of faults even as huge pages


@pytest.mark.skipif(HAVE_CUPY, reason="CuPy is installed: the fallback cannot happen")
def test_gpu_flag_without_cupy_falls_back_with_one_clear_warning():
    out = run_python("from common.np import np, GPU; print(np.__name__, GPU)", SCRATCHNLP_GPU="1")
    assert out.returncode == 0
    assert out.stdout.split() == ["numpy", "False"]
    assert "CuPy could not be imported" in out.stderr and out.stderr.count("RuntimeWarning") == 1


FAKE_CUPY = """
class _Runtime:
    @staticmethod
    def getDeviceCount():
        raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")

class cuda:
    runtime = _Runtime
"""


def test_gpu_flag_with_cupy_but_no_device_falls_back_with_one_clear_warning(tmp_path):
    (tmp_path / "cupy").mkdir()
    (tmp_path / "cupy" / "__init__.py").write_text(FAKE_CUPY)
    out = run_python("from common.np import np, GPU; print(np.__name__, GPU)", SCRATCHNLP_GPU="1",
                     PYTHONPATH=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["numpy", "False"]
    assert "finds no usable CUDA device (cudaErrorNoDevice" in out.stderr
    assert out.stderr.count("RuntimeWarning") == 1


def test_only_common_np_imports_cupy():
    offenders = []
    for path in project_files(".py"):
        if path not in ("common/np.py", "tests/test_backend.py"):
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                text = f.read()
            if "import cupy" in text or "from cupy" in text:
                offenders.append(path)
    assert offenders == []


@pytest.mark.parametrize("with_git", [True, False])
def test_source_scans_read_only_the_projects_files(tmp_path, with_git):
    """A virtual environment, runs/ and caches inside a checkout are never read; folders match exactly."""
    planted = {"common/np.py": "import numpy\n", "ch06/train.py": "x = 1\n", "tests/test_a.py": "",
               ".venv/lib/site.py": b"\xff\xfe not UTF-8", "runs/x.py": "import cupy\n",
               "myruns/y.py": "", "common/__pycache__/np.py": "", "setup.py": ""}
    for name, text in planted.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    if with_git:
        if subprocess.run(["git", "init", "-q", str(tmp_path)], capture_output=True).returncode != 0:
            pytest.skip("git is not available")
        (tmp_path / ".gitignore").write_text("__pycache__/\nruns/\n")
    assert project_files(".py", root=str(tmp_path)) == ["ch06/train.py", "common/np.py", "tests/test_a.py"]


GPU_CHECK = """
import numpy
from common.np import np, GPU, to_cpu, to_gpu
assert GPU
from common.time_layers import TimeLSTM, TimeEmbedding, TimeSoftmaxWithLoss
from common.optimizer import Adam
rng = numpy.random.default_rng(0)
Wx, Wh, b = (rng.standard_normal(s).astype('f') * 0.3 for s in [(4, 24), (6, 24), (24,)])
xs = rng.standard_normal((3, 5, 4)).astype('f')
gpu = TimeLSTM(to_gpu(Wx), to_gpu(Wh), to_gpu(b))
out = to_cpu(gpu.forward(to_gpu(xs)))
dx = to_cpu(gpu.backward(to_gpu(numpy.ones_like(out))))
print(float(abs(out).sum()), float(abs(dx).sum()))
emb = TimeEmbedding(to_gpu(rng.standard_normal((10, 4)).astype('f')))
emb.forward(to_gpu(numpy.array([[1, 1, 2]])))
emb.backward(to_gpu(numpy.ones((1, 3, 4), 'f')))
Adam().update(emb.params, emb.grads)
print('ok')
"""


def gpu_usable():
    return HAVE_CUPY and run_python("from common.np import GPU; print(GPU)", SCRATCHNLP_GPU="1").stdout.strip() == "True"


@pytest.mark.skipif(not gpu_usable(), reason="no usable GPU: CuPy is not installed or sees no CUDA device")
def test_gpu_matches_cpu():
    cpu = run_python(GPU_CHECK.replace("assert GPU", "pass"), SCRATCHNLP_GPU="0")
    gpu = run_python(GPU_CHECK, SCRATCHNLP_GPU="1")
    assert gpu.returncode == 0, gpu.stderr
    c, g = (numpy.array(r.stdout.split()[:2], dtype=float) for r in (cpu, gpu))
    numpy.testing.assert_allclose(g, c, rtol=1e-4)


BLAS_SPIN = """
import resource, time
import ch06  # a chapter package, imported before NumPy as the scripts are
import numpy
a = numpy.ones((1000, 1000), dtype=numpy.float32)
for _ in range(3):
    a @ a
def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
start = cpu_seconds()
time.sleep(0.1)                   # the main thread idles; only BLAS helper threads can use CPU now
print(cpu_seconds() - start)
"""


def _numpy_uses_openblas():
    try:
        return "openblas" in str(numpy.show_config(mode="dicts")).lower()
    except TypeError:               # NumPy < 1.26: show_config has no mode
        return False


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not _numpy_uses_openblas(), reason="needs a multi-threaded OpenBLAS")
def test_blas_helper_threads_sleep_after_a_product_unless_the_user_says_otherwise():
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    ours = subprocess.run([sys.executable, "-c", BLAS_SPIN], cwd=ROOT, env=env, capture_output=True, text=True)
    users = run_python(BLAS_SPIN, OPENBLAS_THREAD_TIMEOUT="28")      # OpenBLAS's default: ~0.1 s busy-wait
    assert float(ours.stdout) < 0.01, ours.stderr
    assert float(users.stdout) > 0.03, users.stderr
