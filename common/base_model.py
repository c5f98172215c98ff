"""BaseModel: aligned ``params`` / ``grads`` lists, named parameters, a description of
the model's constructor arguments, and ``.npz`` checkpoints (``common.checkpoint``).
"""
import contextlib
import inspect
import os

from common import book_pickle, checkpoint
from common.checkpoint import CheckpointError  # noqa: F401  (raised by load_params)


class BaseModel:
    """Models keep aligned ``params`` / ``grads`` lists and subclass this.

    ``train()`` / ``eval()`` switch every dropout layer at once (``mode(False)`` for a block).
    Every instance remembers the arguments it was built with (``config()``,
    without ``rng``), so a checkpoint can rebuild it: ``common.checkpoint.load_model``.
    Parameters get dotted names from the attributes that hold their layers
    (``layers.1.Wx``), found by ``named_params``; tied weights appear under
    every name that uses them and are stored once.
    """

    params = []
    grads = []
    training = True

    def train(self, mode=True):
        """Training mode (dropout on) or, with ``mode=False``, evaluation mode, for every layer."""
        self.training = bool(mode)
        for _, obj in checkpoint.walk(self):
            if hasattr(obj, "train_flg") and obj is not self:
                obj.train_flg = self.training
        return self

    def eval(self):
        """Evaluation mode: dropout off. Same as ``train(False)``."""
        return self.train(False)

    @contextlib.contextmanager
    def mode(self, training):
        """``with model.mode(False): ...`` runs in that mode and restores the previous one.

        In the mode the model is already in it changes nothing, so the forward that calls it in every
        step does not walk the model (0.2-0.4 ms, 1% of an Rnnlm step, twice a step).
        """
        previous = self.training
        if bool(training) == previous:
            yield self
            return
        self.train(training)
        try:
            yield self
        finally:
            self.train(previous)

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        try:
            bound = inspect.signature(cls.__init__).bind(self, *args, **kwargs)
        except TypeError:
            self._init_args = None      # __init__ itself reports the wrong call
            return self
        bound.apply_defaults()
        arguments = dict(list(bound.arguments.items())[1:])
        for name, p in inspect.signature(cls.__init__).parameters.items():
            if p.kind is p.VAR_KEYWORD:
                arguments.update(arguments.pop(name, {}))
            elif p.kind is p.VAR_POSITIONAL:
                arguments.pop(name, None)
                self._init_args = None
                return self
        self._init_args = arguments
        return self

    def forward(self, *args):
        raise NotImplementedError

    def backward(self, *args):
        raise NotImplementedError

    def config(self):
        """Constructor arguments that rebuild this model (``rng`` left out: the weights are stored)."""
        if getattr(self, "_init_args", None) is None:
            raise checkpoint.CheckpointError("%s cannot describe its constructor arguments (it takes *args); "
                                             "override config()" % type(self).__name__)
        return {k: v for k, v in self._init_args.items() if k != "rng"}

    def named_params(self):
        """[(name, array)] aligned with ``self.params``."""
        return list(zip(checkpoint.param_names(self), self.params))

    def default_path(self):
        """The book's file name for this model's weights: ``<ClassName>.pkl`` (``Rnnlm.pkl``)."""
        return type(self).__name__ + ".pkl"

    def save_params(self, file_name=None, half=None):
        """Write the parameters to ``file_name`` (default ``<ClassName>.pkl``, as in the book).

        A ``.pkl`` name gets the book's format, a pickled list of float16 arrays that the book's
        own code reads too; any other name a ScratchNLP checkpoint (``.npz``: the weights and what
        rebuilds the model, float32 unless ``half=True``). Returns the path written.
        """
        path = file_name or self.default_path()
        if path.endswith(".pkl"):
            return book_pickle.save_book_params(self.params, path, half=True if half is None else half)
        return checkpoint.save_checkpoint(path, self, half=bool(half))

    def load_params(self, file_name=None):
        """Copy parameters from ``file_name`` (default ``<ClassName>.pkl``) into this model's arrays.

        Reads the book's .pkl weights (without running any code a pickle could hold: see
        ``common.book_pickle``) and ScratchNLP checkpoints; tied views stay tied.
        """
        path = file_name or self.default_path()
        if os.path.exists(path) and book_pickle.is_pickle(path):
            book_pickle.load_book_params(self.params, path)
        else:
            checkpoint.load_params_into(self, path)
