"""The notebooks in docs/notebooks run headless from top to bottom, show their plots inline, write no
file, and are committed with their outputs (a reader sees them executed on opening)."""
import os
import subprocess
import sys

import pytest

from tests.conftest import has_data
from tests.helpers import ROOT

NOTEBOOKS = os.path.join(ROOT, "docs", "notebooks")
CHAPTERS = ["ch%02d" % i for i in range(1, 9)]

# A line each notebook must print when it runs without the README's checkpoints (SCRATCHNLP_RUNS empty).
EXPECTED = {
    "quickstart": ["train accuracy 0.9", "TwoLayerNet"],
    "ch01": ["train accuracy 0.9", "['Affine', 'Sigmoid', 'Affine']", "`python -m ch01.train` writes it"],
    "ch02": ["cos(you, i) = 0.7071067691154799", "2.807", "[query] car"],
    "ch03": ["(6, 2, 7) (6, 7) int32", "one W_in for both context layers: True", "mean loss 1.946 in the first epoch"],
    "ch04": ["(99990, 10) (99990,)", "['Embedding', 'NegativeSamplingLoss']", "the 3-epoch model above"],
    "ch05": ["999 words, vocabulary of 418", "train perplexity 394.6 (epoch 1)"],
    "ch06": ["tied: True (8, 50)", "run the README's main job"],
    "ch07": ["'71+118 ' -> '_189 '", "Q 77+85", "train it with python -m ch07.train_seq2seq"],
    "ch08": ["'2/7/72                       ' -> '_1972-02-07'", "the small model above"],
}


def execute(name, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
    nb = nbformat.read(os.path.join(NOTEBOOKS, name + ".ipynb"), as_version=4)
    monkeypatch.delenv("MPLBACKEND", raising=False)          # a notebook chooses its own backend
    monkeypatch.setenv("SCRATCHNLP_RUNS", str(tmp_path / "no_runs"))   # the kernel inherits it
    work = tmp_path / "work"
    work.mkdir()
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}}).execute()
    assert os.listdir(work) == []                             # the notebook wrote no file
    return nb


def texts(nb):
    return "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))


@pytest.mark.parametrize("name", ["quickstart"] + CHAPTERS)
def test_notebook_runs_and_shows_its_plots_inline(name, tmp_path, monkeypatch):
    needed = {"ch07": "dlfs2_seq/addition.txt", "ch08": "dlfs2_seq/date.txt"}.get(name, "ptb/ptb.train.txt")
    if name not in ("quickstart", "ch01", "ch03") and not has_data(needed):
        pytest.skip("%s is not available" % needed)
    nb = execute(name, tmp_path, monkeypatch)
    images = [sum("image/png" in o.get("data", {}) for o in cell.get("outputs", [])) for cell in nb.cells]
    plotting = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                and (".plot(" in cell.source or "plot_" in cell.source or cell.source.rstrip().endswith("fig"))]
    assert plotting and all(images[i] == 1 for i in plotting), [images[i] for i in plotting]   # once each
    out = texts(nb)
    missing = [line for line in EXPECTED[name] if line not in out]
    assert not missing, "not printed: %s" % missing


@pytest.mark.parametrize("name", ["quickstart"] + CHAPTERS)
def test_notebook_is_committed_with_its_outputs(name):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    nb = nbformat.read(os.path.join(NOTEBOOKS, name + ".ipynb"), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.get("execution_count") for cell in code), "run every cell before committing"
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    assert not [o for cell in code for o in cell.outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for cell in code for o in cell.outputs) >= 1


def test_every_chapter_has_a_notebook():
    assert sorted(n[:-6] for n in os.listdir(NOTEBOOKS) if n.endswith(".ipynb")) == sorted(["quickstart"] + CHAPTERS)


def test_plots_never_touch_the_backend_or_pyplot(tmp_path):
    """Scripts save their figures without pyplot, so nothing can switch a notebook's or a desktop's backend."""
    code = ("import sys, matplotlib\n"
            "from common.plot import plot_curve\n"
            "from ch01 import train\n"
            "train.main(['--epochs', '2', '--out-dir', %r])\n"
            "plot_curve([1, 2, 3], 'x', 'y', path=%r)\n"
            "print('pyplot' if 'matplotlib.pyplot' in sys.modules else 'no pyplot')\n" % (str(tmp_path / "run"), str(tmp_path / "c.png")))
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("no pyplot")
    assert (tmp_path / "run" / "decision_boundary.png").stat().st_size > 1000 and (tmp_path / "c.png").exists()
