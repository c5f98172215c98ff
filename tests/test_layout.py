"""The layout the README draws: who may import whom, docstrings everywhere, one cupy import."""
import ast
import os
import sys

import pytest

from tests.helpers import CHAPTERS, PROJECT_FOLDERS, ROOT, TOP_LEVEL_FILES, project_files

STDLIB = set(sys.stdlib_module_names)
# third-party packages a folder may use, beyond numpy (and the folder's own rules below)
OPTIONAL = {"common": {"scipy", "matplotlib", "IPython", "tqdm"}, "dataset": {"nltk", "sklearn"}, "chapters": {"sklearn"}}


def python_files(folder):
    for path in project_files(".py", folders=[folder]):
        yield os.path.join(ROOT, path)


def imported_roots(path):
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def allowed(folder, module):
    root = module.split(".")[0]
    if root in STDLIB or root == "numpy":
        return True
    if folder == "common":
        return root == "common" or root in OPTIONAL["common"]
    if folder == "dataset":
        return root == "dataset" or module.startswith("common.text") or root in OPTIONAL["dataset"]
    chapter = int(folder[2:])
    if root in CHAPTERS:
        return int(root[2:]) <= chapter                  # a chapter never imports a later chapter
    return root in ("common", "dataset") or root in OPTIONAL["chapters"]


@pytest.mark.parametrize("folder", ["common", "dataset"] + CHAPTERS)
def test_imports_follow_the_layout(folder):
    bad = [(os.path.relpath(path, ROOT), module) for path in python_files(folder)
           for module in imported_roots(path) if not allowed(folder, module)
           and not (module == "cupy" and path.endswith(os.path.join("common", "np.py")))]
    assert bad == []


@pytest.mark.parametrize("folder", ["common", "dataset"] + CHAPTERS)
def test_every_module_and_public_class_and_function_has_a_docstring(folder):
    missing = []
    for path in python_files(folder):
        tree = ast.parse(open(path).read())
        if not ast.get_docstring(tree):
            missing.append(os.path.relpath(path, ROOT))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") \
                    and node.name != "main" and not ast.get_docstring(node):
                missing.append("%s:%s" % (os.path.relpath(path, ROOT), node.name))
    assert missing == []


def test_speed_only_modules_say_so_first():
    for name in ("sparse.py", "parallel.py", "memory.py"):
        first = open(os.path.join(ROOT, "common", name)).readline()
        assert first.startswith('"""Speed only'), name


def test_the_array_module_file_holds_only_the_array_module_choice():
    """``common/np.py`` defines the array module, the GPU flag and the host/device transfers, nothing else."""
    import ast
    tree = ast.parse(open(os.path.join(ROOT, "common", "np.py")).read())
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets}
    assert {name for name in defined if not name.startswith("_")} == {"GPU", "np", "to_cpu", "to_gpu"}


def test_every_dotted_name_of_the_project_in_code_and_docs_exists():
    """``common.text.load_word_vectors`` in a message or a README must name something that imports: names
    go stale when modules move, and a user who follows one gets an ImportError."""
    import importlib
    import re

    files = project_files((".py", ".md", ".ipynb"), folders=PROJECT_FOLDERS + TOP_LEVEL_FILES)
    dotted = re.compile(r"(?<![\w/.])((?:common|dataset|benchmarks|%s)(?:\.[A-Za-z_]\w*)+)" % "|".join(CHAPTERS))
    stale = set()
    for name in sorted({m for f in files for m in dotted.findall(open(os.path.join(ROOT, f)).read())}):
        parts = name.split(".")
        for k in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:k]))
                break
            except ImportError:
                obj = None
        for attribute in parts[k:] if obj is not None else ():
            obj = getattr(obj, attribute, None)
        if obj is None:
            stale.add(name)
    assert len(files) > 100 and not stale
