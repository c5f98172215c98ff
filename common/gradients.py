"""Gradients of a parameter list: tied and shared weights merged by identity (ParamGroups, the book's remove_duplicate) and global-norm clipping."""
import math

from common.np import np
from common.sparse import RowSparseGrad, squared_norm, to_dense


def global_norm(grads):
    """L2 norm of all gradients together (dense or row-sparse), as a float."""
    return math.sqrt(sum(squared_norm(g) for g in grads))


def clip_grads(grads, max_norm):
    """Scale all gradients in place so their global L2 norm is at most ``max_norm``.

    Returns the norm before clipping.
    """
    total = global_norm(grads)
    rate = max_norm / (total + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate
    return total


def clip_grads_value(grads, limit):
    """Clip every gradient element to [-limit, limit] in place."""
    for g in grads:
        values = g.values if isinstance(g, RowSparseGrad) else g
        np.clip(values, -limit, limit, out=values)


def _transposed_view(a, b):
    """True when b is a.T (or a is b.T) sharing memory: tied weights."""
    return (a.ndim == 2 and b.ndim == 2 and a.shape == b.shape[::-1]
            and (b.base is a or a.base is b or (a.base is not None and a.base is b.base))
            and np.shares_memory(a, b))


class ParamGroups:
    """Finds parameters that appear more than once (shared or tied) in a model.

    Shared arrays (the same object) and transposed views (weight tying) are
    recognised by identity and memory, never by value, so two distinct arrays
    that merely hold equal numbers (e.g. both zero-initialised) stay separate.
    """

    def __init__(self, params):
        self.params = list(params)
        self.groups = []      # list of (owner_index, [(other_index, transposed), ...])
        seen = {}
        for j, p in enumerate(self.params):
            owner = None
            for i in seen:
                q = self.params[i]
                if q is p:
                    owner = (i, False)
                    break
                if _transposed_view(q, p):
                    owner = (i, True)
                    break
            if owner is None:
                seen[j] = len(self.groups)
                self.groups.append((j, []))
            else:
                self.groups[seen[owner[0]]][1].append((j, owner[1]))

    def merge(self, grads):
        """Return (unique_params, summed_grads) for an optimizer step.

        Dense gradients are summed in place into the first dense one; all sparse
        pieces of a group are coalesced in a single pass.
        """
        params, merged = [], []
        for owner, others in self.groups:
            params.append(self.params[owner])
            if not others:
                merged.append(grads[owner])
                continue
            dense, sparse = None, []
            for j, transposed in [(owner, False)] + others:
                g = grads[j]
                if isinstance(g, RowSparseGrad) and not transposed:
                    sparse.append(g)
                    continue
                g = to_dense(g).T if transposed else g
                if dense is None:
                    dense = g
                else:
                    dense += g
            if sparse:
                combined = sparse[0]
                if len(sparse) > 1:
                    combined.assign(np.concatenate([s.rows for s in sparse]),
                                    np.concatenate([s.values for s in sparse]))
                dense = combined if dense is None else combined.add_to(dense)
            merged.append(dense)
        return params, merged


def remove_duplicate(params, grads):
    """Book-compatible helper: de-duplicate shared/tied params, summing their grads."""
    return ParamGroups(params).merge(grads)
