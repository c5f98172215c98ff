"""BaseModel: parameter collection and safe, atomic ``.npz`` checkpoints."""
import json
import os
import tempfile

import numpy

from common.grad_utils import ParamGroups
from common.np import to_cpu, to_gpu


class CheckpointError(ValueError):
    """A checkpoint does not match the model it is loaded into."""


class BaseModel:
    """Models keep aligned ``params`` / ``grads`` lists and subclass this.

    ``save_params`` writes every distinct parameter array once (tied weights are
    stored once) to an ``.npz`` file, atomically: the data goes to a temporary
    file in the same directory, which then replaces the target, so a crash never
    leaves a truncated checkpoint. ``load_params`` copies values into the
    existing arrays (keeping shared and tied views intact) after checking that
    every shape matches.
    """

    params = []
    grads = []

    def forward(self, *args):
        raise NotImplementedError

    def backward(self, *args):
        raise NotImplementedError

    def default_path(self):
        return type(self).__name__ + ".npz"

    def _unique_params(self):
        """Distinct arrays, and for every param (owner slot, stored transposed?)."""
        groups = ParamGroups(self.params).groups
        unique, index = [], [None] * len(self.params)
        for slot, (owner, others) in enumerate(groups):
            unique.append(self.params[owner])
            index[owner] = (slot, False)
            for j, transposed in others:
                index[j] = (slot, transposed)
        return unique, index

    def save_params(self, path=None, half=False):
        """Write the parameters to ``path`` (.npz); ``half=True`` stores float16."""
        path = path or self.default_path()
        if not path.endswith(".npz"):
            raise ValueError("checkpoints are .npz files; got %r" % path)
        unique, index = self._unique_params()
        arrays = {}
        for k, p in enumerate(unique):
            a = to_cpu(p)
            arrays["p%03d" % k] = a.astype(numpy.float16) if half else a
        meta = {"model": type(self).__name__, "index": index,
                "shapes": [list(p.shape) for p in self.params]}
        arrays["meta"] = numpy.array(json.dumps(meta))
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as f:
                numpy.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return path

    def load_params(self, path=None):
        """Copy parameters from a checkpoint written by ``save_params``."""
        path = path or self.default_path()
        if not os.path.exists(path):
            raise FileNotFoundError("checkpoint not found: %s" % path)
        with numpy.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            shapes = [tuple(s) for s in meta["shapes"]]
            mine = [tuple(p.shape) for p in self.params]
            if shapes != mine:
                raise CheckpointError(
                    "checkpoint %s holds a %s with parameter shapes %s, but this %s has %s"
                    % (path, meta["model"], shapes, type(self).__name__, mine))
            # entries are [slot, transposed]; the first format stored a bare slot
            slots = [entry if isinstance(entry, list) else [entry, False] for entry in meta["index"]]
            stored = [data["p%03d" % k].T if transposed else data["p%03d" % k] for k, transposed in slots]
        for p, value in zip(self.params, stored):
            p[...] = to_gpu(value.astype(p.dtype))
