"""WordNet 3.0 for NLTK without a download (book appendix B).

NLTK's reader needs the WordNet database files (Debian packages
``wordnet-base`` and ``wordnet-sense-index`` put them in /usr/share/wordnet)
plus ``lexnames``, which those packages lack and which lives in the data
directory (``$SCRATCHNLP_DATA/wordnet/lexnames``). ``wordnet()`` copies them
into an NLTK data folder in the user cache once and returns the corpus reader.
"""
import os
import shutil

from dataset.files import cache_dir, data_path

DEBIAN_DIR = "/usr/share/wordnet"
NEEDED = ["data.noun", "index.noun", "index.sense"]


def nltk_data_dir():
    """The NLTK data folder in the user cache that ``wordnet()`` fills."""
    return os.path.join(cache_dir(), "nltk_data")


def prepare(source=DEBIAN_DIR):
    """Copy Debian's WordNet files and ``lexnames`` into an NLTK data folder once; returns it."""
    target = os.path.join(nltk_data_dir(), "corpora", "wordnet")
    missing = [f for f in NEEDED if not os.path.exists(os.path.join(source, f))]
    if missing:
        raise FileNotFoundError(
            "WordNet database files %s not found in %s: install the Debian packages "
            "wordnet-base and wordnet-sense-index (apt-get install wordnet-base wordnet-sense-index)"
            % (", ".join(missing), source))
    if not os.path.exists(os.path.join(target, "lexnames")):
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(source):
            src = os.path.join(source, name)
            if os.path.isfile(src):
                shutil.copyfile(src, os.path.join(target, name))  # NLTK refuses symlinks out of its root
        shutil.copyfile(data_path("wordnet/lexnames"), os.path.join(target, "lexnames"))
    return nltk_data_dir()


def wordnet():
    """The NLTK WordNet corpus reader, working offline."""
    import nltk

    root = prepare()
    if root not in nltk.data.path:
        nltk.data.path.insert(0, root)
    from nltk.corpus import wordnet as wn

    wn.ensure_loaded()
    return wn
