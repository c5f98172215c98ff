"""docs/notebooks/quickstart.ipynb runs headless from top to bottom, and its plots show inline."""
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, "docs", "notebooks", "quickstart.ipynb")


def test_quickstart_notebook_runs_and_shows_its_plots_inline(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_backend = os.environ.pop("MPLBACKEND", None)        # a notebook chooses its own backend
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    images = [[o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})] for cell in nb.cells]
    plot_cells = [i for i, cell in enumerate(nb.cells) if "plot" in cell.source and cell.cell_type == "code"]
    assert all(len(images[i]) == 1 for i in plot_cells), [len(images[i]) for i in plot_cells]   # once each
    assert not os.listdir(tmp_path)                         # trainer.plot() wrote no file
    text = "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))
    assert "train accuracy 0.9" in text and "TwoLayerNet" in text


def test_plots_never_touch_the_backend_or_pyplot(tmp_path):
    """Scripts save their figures without pyplot, so nothing can switch a notebook's or a desktop's backend."""
    import subprocess
    import sys
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
