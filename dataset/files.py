"""Finding, downloading and verifying data files.

Lookup order for a file ``ptb/ptb.train.txt``:
1. ``$SCRATCHNLP_DATA/ptb/ptb.train.txt``
2. the user cache, ``$XDG_CACHE_HOME/scratchnlp`` or ``~/.cache/scratchnlp``
3. a download from the public source into the user cache (TLS verified),
   accepted only when its sha256 matches.
If all fail, :class:`DataNotFoundError` names the file and the variable.
Nothing is ever written inside the installed package.
"""
import hashlib
import os
import tempfile
import urllib.request

ENV_VAR = "SCRATCHNLP_DATA"

# relative path -> (sha256, public URL or None)
KNOWN_FILES = {
    "ptb/ptb.train.txt": ("fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
                          "https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.train.txt"),
    "ptb/ptb.valid.txt": ("c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
                          "https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.valid.txt"),
    "ptb/ptb.test.txt": ("dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
                         "https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.test.txt"),
    "dlfs2_seq/addition.txt": ("34e0746f5014c11311c9452ee9050bf14e38eca44ec4aaf4d81eba2b38674009",
                               "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch-2/master/dataset/addition.txt"),
    "dlfs2_seq/date.txt": ("62e66a301ce8537868e725512d2a45663fc366526b7e42028cb703bda2b1c79a",
                           "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch-2/master/dataset/date.txt"),
    "questions-words/questions-words.txt": ("8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
                                            "https://raw.githubusercontent.com/tmikolov/word2vec/master/questions-words.txt"),
    "tinyshakespeare/input.txt": ("86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                                  "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"),
    "rt-polarity/rt-polarity.pos": ("4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
                                     "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/master/data/rt-polaritydata/rt-polarity.pos"),
    "rt-polarity/rt-polarity.neg": ("2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
                                    "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/master/data/rt-polaritydata/rt-polarity.neg"),
    # re-packed copy of the NLTK corpus (docs/DATA.md): no byte-identical public URL
    "movie_reviews/movie_reviews.zip": ("39ff18f14ac0ddcbbfaf5c96c24d1ef3e8ae497c7ea4f9969a73b349efb94afb", None),
    "wordnet/lexnames": ("4767e2a1c6e68c1a93aa6b7c4ef7ebe9a815b50d7d5aac2788696f2cf3633bf1", None),
}


class DataNotFoundError(FileNotFoundError):
    """A data file is missing and could not be downloaded."""


class ChecksumError(ValueError):
    """A data file exists but its content is not the expected one."""


def cache_dir():
    """The user cache folder: $XDG_CACHE_HOME/scratchnlp or ~/.cache/scratchnlp."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scratchnlp")


def search_dirs():
    """Folders searched for data files, in order: $SCRATCHNLP_DATA (if set), then the cache."""
    dirs = []
    if os.environ.get(ENV_VAR):
        dirs.append(os.path.expanduser(os.environ[ENV_VAR]))
    dirs.append(cache_dir())
    return dirs


def sha256_of(path):
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _verify(path, expected):
    if expected and sha256_of(path) != expected:
        raise ChecksumError("%s has the wrong sha256 (expected %s); delete it or point %s at a "
                            "correct copy" % (path, expected, ENV_VAR))


def _download(url, target, expected):
    """Fetch ``url`` into ``target`` after checking its sha256; on failure nothing is left behind."""
    folder = os.path.dirname(target)
    created = []                     # folders made here, removed again if the download fails
    probe = folder
    while probe and not os.path.exists(probe):
        created.append(probe)
        probe = os.path.dirname(probe)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".download-")
    ok = False
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
        _verify(tmp, expected)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
        ok = True
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
        if not ok:
            for d in created:        # innermost first
                try:
                    os.rmdir(d)
                except OSError:
                    break


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def data_path(relpath, download=True):
    """Absolute path of a verified data file (see the module docstring for the lookup)."""
    expected, url = KNOWN_FILES.get(relpath, (None, None))
    for d in search_dirs():
        candidate = os.path.join(d, relpath)
        if os.path.exists(candidate):
            _verify(candidate, expected)
            return candidate
    target = os.path.join(cache_dir(), relpath)
    offline = os.environ.get("SCRATCHNLP_OFFLINE", "0") == "1"
    if not url:
        reason = "no public download is known for it"
    elif not download:
        reason = "downloading was not allowed"
    elif offline:
        reason = "SCRATCHNLP_OFFLINE=1 blocked the download from %s" % url
    if url and download and not offline:
        try:
            _download(url, target, expected)
            return target
        except ChecksumError:
            raise
        except OSError as exc:
            reason = "download from %s failed (%s)" % (url, exc)
    raise DataNotFoundError(
        "data file %r not found: looked in %s; %s. Set %s to a directory that contains %s."
        % (relpath, " and ".join(search_dirs()), reason, ENV_VAR, relpath))


def read_text(relpath, encoding="utf-8"):
    """The text of a verified data file (see ``data_path``)."""
    with open(data_path(relpath), encoding=encoding) as f:
        return f.read()
