"""Self-describing, versioned checkpoints: one ``.npz`` file, no pickle.

A checkpoint holds what rebuilds and continues a run:

- the model: its class, its constructor arguments (``BaseModel.config``), every
  parameter under a dotted name (tied weights once, with a note of which names
  share it), sampler states and the hidden state of stateful recurrent layers;
- optionally the optimizer (class, hyper-parameters, current lr, step count and
  per-parameter state), the training position (``common.training_loop``) and
  anything else the script adds (its arguments, the vocabulary).

This module is the one home of checkpoints: walking a model (``walk``, ``param_names``), the
file format (``save_checkpoint``, ``read_checkpoint``), loading (``load_params_into``,
``load_model``) and resuming a run (``restore_run``, ``run_settings``).

Layout (format version 3): the entry ``__checkpoint__`` is a short JSON header
(format and version) and ``__checkpoint_json__`` the JSON document as UTF-8 bytes
(uint8); arrays are stored as their own entries (``param/<name>``,
``optimizer/<name>``, ...) and the JSON refers to them as ``{"__array__": key}``.
Files written atomically (``common.atomic``). ``load_model(path)`` rebuilds a
ready model in one call; every error names the file.

Format 2 kept the whole document in ``__checkpoint__`` as a NumPy string, which
stores 4 bytes per character: a 40-epoch BetterRnnlm's training history took
4.4 MB there, 1.1 MB as UTF-8. It still loads; a reader of format 2 refuses a
format-3 file with "written by a newer ScratchNLP".

Format 1 (keys ``p000``... plus ``meta``, written before version 2) still loads
its weights through ``BaseModel.load_params``.
The readers of formats 1 and 2 stay because the project has no releases: every earlier commit of
main wrote one of them, and a user's runs made with it (hours of training) must keep loading.
"""
import importlib
import json
import os
import warnings

import numpy

from common.atomic import atomic_open
from common.gradients import ParamGroups
from common.input_checks import InputError, read_npz
from common.np import to_cpu, to_gpu
from common.text.vocabulary import Vocabulary

FORMAT = "scratchnlp-checkpoint"
VERSION = 3
META_KEY = "__checkpoint__"             # the header: {"format": ..., "version": ...}
DOCUMENT_KEY = "__checkpoint_json__"    # the JSON document, UTF-8 bytes
# only ScratchNLP's own packages are imported when a checkpoint names its model class
TRUSTED_PACKAGES = ("common", "dataset", "benchmarks") + tuple("ch%02d" % i for i in range(1, 9))
STATE_ATTRIBUTES = ("h", "c", "s")      # hidden states kept by stateful recurrent layers


class CheckpointError(InputError):
    """A checkpoint cannot be read, or does not match what it is loaded into."""


# --- walking a model ---------------------------------------------------------------------------

def _is_node(value):
    if isinstance(value, (list, tuple, dict)):
        return True
    return not isinstance(value, type) and any(hasattr(value, a) for a in ("params", "state_dict", "reset_state"))


def walk(model):
    """(dotted prefix, object) for the model and every layer-like object it holds, depth first
    (public attributes only, in the order they were set).

    Written with an explicit stack, not a recursive closure: a closure that calls itself is a
    reference cycle, and the cycle would keep the returned list (and, through the layers' caches,
    a whole training step's activations) alive until the garbage collector happens to run.
    """
    out, seen = [], set()
    stack = [("", model)]
    while stack:
        prefix, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        out.append((prefix, obj))
        if isinstance(obj, dict):
            items = obj.items()
        elif isinstance(obj, (list, tuple)):
            items = enumerate(obj)
        else:
            items = getattr(obj, "__dict__", {}).items()
        children = [("%s%s." % (prefix, key), value) for key, value in list(items)
                    if not (key in ("params", "grads") or (isinstance(key, str) and key.startswith("_")))
                    and _is_node(value)]
        stack.extend(reversed(children))
    return out


def param_names(model):
    """Dotted names aligned with ``model.params``: ``<attribute path>.<layer's param_names>``."""
    by_id = {}
    nodes = walk(model)
    for prefix, obj in nodes:
        names = getattr(obj, "param_names", None)
        if names is not None and hasattr(obj, "params"):
            for name, p in zip(names, obj.params):
                by_id.setdefault(id(p), prefix + name)
    for prefix, obj in reversed(nodes):          # the innermost holder names what is left
        for k, p in enumerate(getattr(obj, "params", None) or []):
            by_id.setdefault(id(p), "%sp%d" % (prefix, k))
    return [by_id[id(p)] for p in model.params]


def model_state(model):
    """Non-parameter state: sampler random states and recurrent hidden states, by name."""
    state = {}
    for prefix, obj in walk(model):
        if obj is not model and hasattr(obj, "state_dict") and not isinstance(obj, (list, tuple, dict)):
            state[prefix + "state_dict"] = obj.state_dict()
        if hasattr(obj, "reset_state") and not isinstance(obj, (list, tuple, dict)):
            for attr in STATE_ATTRIBUTES:
                value = vars(obj).get(attr)
                if value is not None and hasattr(value, "shape"):
                    state[prefix + attr] = to_cpu(value).copy()
    return state


def set_model_state(model, state):
    """Restore what ``model_state`` saved (sampler states, recurrent hidden states)."""
    nodes = dict(walk(model))
    restored = set()                            # layers given a hidden state by the checkpoint
    for key, value in state.items():
        prefix, _, attr = key.rpartition(".")
        prefix = prefix + "." if prefix else ""
        if prefix not in nodes:
            raise CheckpointError("the checkpoint has state for %r, which this %s does not have"
                                  % (key, type(model).__name__))
        obj = nodes[prefix]
        if attr == "state_dict":
            obj.load_state_dict(value)
        else:
            setattr(obj, attr, to_gpu(value))
            restored.add(prefix)
    for prefix, obj in nodes.items():           # layers the checkpoint has no state for start afresh
        if prefix not in restored and hasattr(obj, "reset_state") and obj is not model \
                and not isinstance(obj, (list, tuple, dict)):
            for attr in STATE_ATTRIBUTES:
                if attr in vars(obj):
                    setattr(obj, attr, None)


# --- JSON with arrays --------------------------------------------------------------------------

def pack(value, arrays, key):
    """JSON-able copy of ``value``; arrays go into ``arrays`` and are referred to by key."""
    if isinstance(value, dict):
        return {str(k): pack(v, arrays, "%s/%s" % (key, k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [pack(v, arrays, "%s/%d" % (key, i)) for i, v in enumerate(value)]
    if isinstance(value, numpy.generic):
        return value.item()
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        arrays[key] = to_cpu(value)
        return {"__array__": key}
    if isinstance(value, numpy.dtype) or (isinstance(value, type) and issubclass(value, numpy.generic)):
        return numpy.dtype(value).str
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CheckpointError("cannot store %r (a %s) in a checkpoint, at %s" % (value, type(value).__name__, key))


def unpack(value, arrays):
    """Undo ``pack``: arrays referred to by key come back from ``arrays``."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        return {k: unpack(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v, arrays) for v in value]
    return value


def vocab_entry(id_to_word):
    """What a checkpoint stores of a vocabulary (id -> word): the words in id order and their sha256."""
    vocab = Vocabulary([id_to_word[i] for i in range(len(id_to_word))])
    return {"words": list(vocab.words), "size": len(vocab), "sha256": vocab.sha256()}   # UTF-8 in the document


# --- writing -----------------------------------------------------------------------------------

def save_checkpoint(path, model, optimizer=None, training=None, extra=None, half=False):
    """Write ``model`` (and optionally the optimizer, training state, extra info) to ``path``."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        raise ValueError("checkpoints are .npz files (model.save_params also writes the book's .pkl); got %r" % path)
    names = param_names(model)
    groups = ParamGroups(model.params).groups
    arrays, tied = {}, {}
    for owner, others in groups:
        a = to_cpu(model.params[owner])
        arrays["param/" + names[owner]] = a.astype(numpy.float16) if half else a
        for j, transposed in others:
            tied[names[j]] = {"owner": names[owner], "transposed": bool(transposed)}
    cls = type(model)
    meta = {
        "format": FORMAT, "version": VERSION,
        "model": {
            "class": "%s:%s" % (cls.__module__, cls.__qualname__), "name": cls.__name__,
            "config": pack(model.config(), arrays, "config"),
            "params": [{"name": n, "shape": list(p.shape), "dtype": numpy.dtype(p.dtype).str}
                       for n, p in zip(names, model.params)],
            "tied": tied,
            "state": pack(model_state(model), arrays, "state"),
        },
    }
    if optimizer is not None:
        state = optimizer.state_dict()
        slots = state.pop("slots")
        if slots is not None:
            state["slots"] = {names[owner]: pack(s, arrays, "optimizer/" + names[owner])
                              for (owner, _), s in zip(groups, slots)}
        meta["optimizer"] = state
    if training is not None:
        meta["training"] = pack(training, arrays, "training")
    if extra is not None:
        meta["extra"] = pack(extra, arrays, "extra")
    arrays[META_KEY] = numpy.array(json.dumps({"format": FORMAT, "version": VERSION}))
    arrays[DOCUMENT_KEY] = numpy.frombuffer(json.dumps(meta).encode("utf-8"), dtype=numpy.uint8)
    with atomic_open(path, "wb") as f:
        numpy.savez(f, **arrays)
    return path


# --- reading -----------------------------------------------------------------------------------

class Checkpoint:
    """A checkpoint read into memory: ``meta`` (the JSON document) and ``arrays``."""

    def __init__(self, path, meta, arrays):
        self.path, self.meta, self.arrays = path, meta, arrays

    @property
    def version(self):
        return self.meta.get("version", 1)

    @property
    def model_name(self):
        return self.meta["model"]["name"]

    def section(self, name):
        """The unpacked JSON section ``name`` ('training', 'extra', ...), or None."""
        value = self.meta.get(name)
        return None if value is None else unpack(value, self.arrays)

    @property
    def extra(self):
        return self.section("extra") or {}

    def vocab(self):
        """(word_to_id, id_to_word) stored by the script that trained the model."""
        entry = self.extra.get("vocab")
        if entry is None:
            raise CheckpointError("%s stores no vocabulary" % self.path)
        vocab = Vocabulary([str(w) for w in entry["words"]])
        if vocab.sha256() != entry["sha256"]:
            raise CheckpointError("%s: the stored vocabulary does not match its sha256" % self.path)
        return vocab.word_to_id, vocab.id_to_word


def _json(path, text):
    """JSON from str or UTF-8 bytes; a bad one is a CheckpointError naming the file."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CheckpointError("%s has a damaged description (%s)" % (path, exc)) from None


def read_checkpoint(path):
    """Read a checkpoint file; any problem is one ``CheckpointError`` naming the file."""
    if isinstance(path, Checkpoint):
        return path
    path = os.fspath(path)
    arrays = read_npz(path, "checkpoint", CheckpointError)
    if META_KEY in arrays:
        header = _json(path, str(arrays.pop(META_KEY)))          # in format 2 the whole document
        if header.get("format") != FORMAT:
            raise CheckpointError("%s is not a ScratchNLP checkpoint (format %r)" % (path, header.get("format")))
        if header.get("version", 0) > VERSION:
            raise CheckpointError("%s was written by a newer ScratchNLP (checkpoint format %s; this one reads "
                                  "up to %d): upgrade ScratchNLP" % (path, header.get("version"), VERSION))
        meta = _json(path, arrays.pop(DOCUMENT_KEY).tobytes()) if DOCUMENT_KEY in arrays else header
        return Checkpoint(path, meta, arrays)
    if "meta" in arrays:                         # format 1: weights only
        return Checkpoint(path, {"version": 1, "v1": _json(path, str(arrays.pop("meta")))}, arrays)
    if "word_vecs" in arrays:
        raise CheckpointError("%s holds word vectors, not a model checkpoint: read it with "
                              "common.text.load_word_vectors" % path)
    raise CheckpointError("%s is an .npz archive but not a ScratchNLP checkpoint (it holds %s)"
                          % (path, ", ".join(sorted(arrays)[:5]) or "nothing"))


def _v1_values(model, ckpt):
    meta = ckpt.meta["v1"]
    shapes = [tuple(s) for s in meta["shapes"]]
    mine = [tuple(p.shape) for p in model.params]
    if shapes != mine:
        raise CheckpointError("checkpoint %s holds a %s with parameter shapes %s, but this %s has %s"
                              % (ckpt.path, meta["model"], shapes, type(model).__name__, mine))
    return [ckpt.arrays["p%03d" % k].T if transposed else ckpt.arrays["p%03d" % k] for k, transposed in meta["index"]]


def _is_a(model, spec, path):
    """True if ``model`` is an instance of the checkpoint's class (a subclass, e.g. ch07's RnnlmGen of Rnnlm)."""
    try:
        return bool(spec) and isinstance(model, _import_class(spec, path))
    except CheckpointError:
        return False


def _v2_values(model, ckpt):
    info = ckpt.meta["model"]
    if info["name"] != type(model).__name__ and not _is_a(model, info.get("class"), ckpt.path):
        raise CheckpointError("%s holds a %s, not a %s" % (ckpt.path, info["name"], type(model).__name__))
    stored = [p["name"] for p in info["params"]]
    mine = param_names(model)

    def value(name):
        if "param/" + name in ckpt.arrays:
            return ckpt.arrays["param/" + name]
        tie = info["tied"][name]
        owner = ckpt.arrays["param/" + tie["owner"]]
        return owner.T if tie["transposed"] else owner

    if stored == mine:
        values = [value(n) for n in mine]
    elif [tuple(p["shape"]) for p in info["params"]] == [tuple(p.shape) for p in model.params]:
        warnings.warn("%s names its parameters differently from this %s (written by another version of "
                      "the code); loading them in order" % (ckpt.path, type(model).__name__))
        values = [value(n) for n in stored]
    else:
        missing = sorted(set(mine) - set(stored))
        raise CheckpointError("%s does not fit this %s: parameters %s are missing (it holds %s)"
                              % (ckpt.path, type(model).__name__, missing[:4], stored[:6]))
    for name, v, p in zip(mine, values, model.params):
        if tuple(v.shape) != tuple(p.shape):
            raise CheckpointError("%s: parameter %s has shape %s in the file but %s in this %s (built with "
                                  "other sizes?)" % (ckpt.path, name, tuple(v.shape), tuple(p.shape),
                                                     type(model).__name__))
    return values


def load_params_into(model, path):
    """Copy a checkpoint's parameters into ``model``'s own arrays (checked first, then copied)."""
    ckpt = read_checkpoint(path)
    values = _v1_values(model, ckpt) if ckpt.version == 1 else _v2_values(model, ckpt)
    for p, v in zip(model.params, values):
        p[...] = to_gpu(v.astype(p.dtype))
    return ckpt


# Model classes that moved, by the name older checkpoints give them.
MOVED_CLASSES = {"ch06.rnnlm:BetterRnnlm": "ch06.better_rnnlm:BetterRnnlm"}


def _import_class(spec, path):
    module, _, qualname = MOVED_CLASSES.get(spec, spec).partition(":")
    if module.split(".")[0] not in TRUSTED_PACKAGES:
        raise CheckpointError("%s names the model class %s; only ScratchNLP's own modules are imported from a "
                              "checkpoint (pass cls= to load_model for your own class)" % (path, spec))
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise CheckpointError("%s needs the model class %s, which this version of ScratchNLP does not have"
                              % (path, spec)) from None
    return obj


def load_model(path, cls=None):
    """Rebuild the model stored in a checkpoint, with its weights and states: ``model = load_model(path)``."""
    ckpt = read_checkpoint(path)
    if ckpt.version < 2:
        raise CheckpointError("%s is an old (format 1) checkpoint that holds weights only: build the model "
                              "yourself and call model.load_params(path)" % ckpt.path)
    cls = cls or _import_class(ckpt.meta["model"]["class"], ckpt.path)
    config = unpack(ckpt.meta["model"]["config"], ckpt.arrays)
    try:
        model = cls(**config)
    except TypeError as exc:
        raise CheckpointError("%s: cannot rebuild %s(%s): %s" % (ckpt.path, cls.__name__,
                                                                  ", ".join(sorted(config)), exc)) from None
    load_params_into(model, ckpt)
    set_model_state(model, unpack(ckpt.meta["model"]["state"], ckpt.arrays))
    return model


# --- resuming a run ----------------------------------------------------------------------------

def restore_run(path, model, optimizer, groups, batches=None):
    """Load a training checkpoint into ``model`` and ``optimizer``; returns (checkpoint, training state).

    groups: the ``common.gradients.ParamGroups`` of the model's parameters (the optimizer's slots are
    stored per shared array); batches: the ``describe()`` of this run's batch source, which must be
    the one the run was trained on (None: not checked, for dry runs on a slice of the data). The
    training state is what ``common.training_loop.TrainingLoop.state_dict`` wrote.
    """
    ckpt = read_checkpoint(path)
    state = ckpt.section("training") if ckpt.version >= 2 else None
    if state is None:
        raise CheckpointError("%s holds weights only, no training state to continue from "
                              "(load them with model.load_params)" % ckpt.path)
    if batches is not None and state["batches"] != batches:
        raise CheckpointError("%s was trained on batches %s, but this run reads %s: resume with the same "
                              "data and batch settings" % (ckpt.path, state["batches"], batches))
    load_params_into(model, ckpt)
    set_model_state(model, unpack(ckpt.meta["model"]["state"], ckpt.arrays))
    _restore_optimizer(optimizer, groups, ckpt)
    return ckpt, state


def _restore_optimizer(optimizer, groups, ckpt):
    state = ckpt.meta.get("optimizer")
    if state is None:
        raise CheckpointError("%s holds no optimizer state" % ckpt.path)
    state = dict(state)
    slots = state.get("slots")
    if slots is not None:
        names = [p["name"] for p in ckpt.meta["model"]["params"]]
        state["slots"] = [unpack(slots[names[owner]], ckpt.arrays) for owner, _ in groups.groups]
    try:
        optimizer.load_state_dict(state, where=ckpt.path)
    except ValueError as exc:
        raise CheckpointError(str(exc)) from None


def run_settings(path):
    """(the script settings a run's checkpoint stores, the epochs it finished), for ``--resume``."""
    ckpt = read_checkpoint(path)
    saved = ckpt.extra.get("args") if ckpt.version >= 2 else None
    if saved is None:
        raise CheckpointError("%s holds no run settings to resume (format 1, or written by model.save_params); "
                              "load its weights with model.load_params" % path)
    return saved, (ckpt.section("training") or {}).get("epoch", 0)

