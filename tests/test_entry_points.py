"""Every entry point (a chapter module with ``main``) honours --help and runs end to end with --dry-run."""
import importlib
import os
import pkgutil
import re

import pytest

from tests.conftest import needs_ptb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAPTERS = ["ch%02d" % i for i in range(1, 9)]


def entry_points():
    found = []
    for chapter in CHAPTERS:
        for info in pkgutil.iter_modules([os.path.join(ROOT, chapter)]):
            source = open(os.path.join(ROOT, chapter, info.name + ".py")).read()
            if 'if __name__ == "__main__":' in source:
                found.append("%s.%s" % (chapter, info.name))
    return found


ENTRY_POINTS = entry_points()


def test_the_entry_points_are_found():
    assert {"ch01.train", "ch06.train_better_rnnlm", "ch07.generate_text", "ch02.show_ptb"} <= set(ENTRY_POINTS)


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_help(module, capsys):
    with pytest.raises(SystemExit) as exit_info:
        importlib.import_module(module).main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m %s" % module)
    assert "--dry-run" in out
    assert not re.search(r"default[^)]*\)\s+\(default", out)           # never two defaults for one option
    assert "(default: None)" not in out                                 # nor one that says nothing
    assert "(default: False)" not in out                                # an on/off switch is off unless given


def lm_checkpoint(tmp_path):
    from ch06 import train_rnnlm
    train_rnnlm.main(["--epochs", "1", "--limit-tokens", "2000", "--hidden-size", "8", "--wordvec-size", "8",
                      "--out-dir", str(tmp_path / "lm")])
    return str(tmp_path / "lm" / "best.npz")


def attention_checkpoint(tmp_path):
    from ch08 import train
    train.main(["--epochs", "1", "--limit", "256", "--hidden-size", "8", "--out-dir", str(tmp_path / "att")])
    return str(tmp_path / "att" / "best.npz")


def vectors_file(tmp_path):
    from common.text import save_word_vectors
    from dataset import ptb
    import numpy
    _, _, id_to_word = ptb.load_data("train")
    vecs = numpy.random.default_rng(0).standard_normal((len(id_to_word), 4))
    return save_word_vectors(str(tmp_path / "v.npz"), vecs, id_to_word)


def book_pkl(tmp_path):
    from ch06.rnnlm import Rnnlm
    return Rnnlm(30, 4, 5).save_params(str(tmp_path / "Rnnlm.pkl"))        # the book's format


NEEDS_FILE = {"ch07.generate_text": lm_checkpoint, "ch08.convert_book_weights": book_pkl, "ch08.visualize_attention": attention_checkpoint,
              "ch04.eval": vectors_file, "ch02.plot_word_vectors": vectors_file}


@needs_ptb
@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_dry_run_end_to_end_writes_nothing(module, tmp_path, monkeypatch):
    if module == "ch02.wordnet_similarity":
        pytest.importorskip("nltk")
        if not os.path.exists("/usr/share/wordnet/index.sense"):
            pytest.skip("WordNet (Debian wordnet-base) is not installed")
    argv = [NEEDS_FILE[module](tmp_path)] if module in NEEDS_FILE else []
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    importlib.import_module(module).main(argv + ["--dry-run"])
    assert os.listdir(work) == [], "a dry run wrote %s" % os.listdir(work)


@pytest.mark.parametrize("option", ["--epochs 0", "--batch-size -1", "--lr 0", "--lr nan", "--dropout 1",
                                    "--hidden-size 0", "--limit-tokens 0", "--decay 0.5", "--epochs two"])
def test_invalid_values_are_refused_by_argparse(option, capsys):
    from ch06 import train_rnnlm
    with pytest.raises(SystemExit) as exit_info:
        train_rnnlm.main(option.split() + ["--dry-run"])
    assert exit_info.value.code == 2
    assert "error: argument %s" % option.split()[0] in capsys.readouterr().err


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_every_option_has_help_and_shows_its_default(module, monkeypatch):
    import argparse
    parsers = []
    original = argparse.ArgumentParser.parse_args

    def capture(self, *args, **kwargs):
        parsers.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    with pytest.raises(SystemExit):
        importlib.import_module(module).main(["--help"])
    p = parsers[0]
    assert issubclass(p.formatter_class, argparse.ArgumentDefaultsHelpFormatter)
    for action in p._actions:
        if action.dest != "help":
            assert action.help, "%s: %s has no help text" % (module, action.option_strings or action.dest)


def documented_commands():
    """(module, [--options]) of every ``python -m`` command the README shows (inline or in a code block)."""
    text = open(os.path.join(ROOT, "README.md")).read()
    blocks = re.findall(r"```\w*\n(.*?)```", text, re.S)
    inline = [s for s in re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", text, flags=re.S)) if "\n\n" not in s]
    found = []
    for span in blocks + inline:
        for command in re.split(r"&&|;", span):
            match = re.search(r"python -m ([\w.]+)(.*)", command, re.S)
            if match and match.group(1) != "pytest":
                found.append((match.group(1), re.findall(r"(?<![\w-])--[a-z][\w-]*", match.group(2))))
    return found


def test_every_option_the_readme_shows_exists(capsys):
    commands = documented_commands()
    assert ("benchmarks.bench_word2vec", ["--model", "--optimizer", "--batch", "--dynamic-window", "--shared-negatives",
                                          "--batch-order", "--workers"]) in commands          # a command over two lines
    unknown = []
    for module, options in commands:
        with pytest.raises(SystemExit):
            importlib.import_module(module).main(["--help"])
        usage = capsys.readouterr().out
        unknown += ["%s %s" % (module, o) for o in options if not re.search(r"(?<![\w-])%s(?![\w-])" % o, usage)]
    assert len(commands) > 20 and not unknown
