"""General back-propagation: Algorithms 6.5 and 6.6 of the book (section 6.5.6).

The book writes ``build_grad(V)`` recursively: the gradient of ``z`` with
respect to a variable ``V`` is the sum, over every *consumer* ``C`` of ``V``,
of ``C.op.bprop(inputs(C), V, grad_table[C])``, and the ``grad_table``
remembers each answer so that nothing is computed twice.

We compute the same sums without recursion (a 5,000-op chain would overflow
Python's stack).  Variables are visited in reverse creation order, which is a
reverse topological order, so when we reach ``V`` all of its consumers have
been visited and each has already added its term into ``V``'s entry of the
``grad_table``: one buffer per variable, summed as the terms arrive (6.5.8).
By then ``grad_table[V]`` is complete and we pass it on to ``V``'s inputs.
"""
from heapq import heappop, heappush
from operator import attrgetter

import numpy as np

from . import tensor as _tensor
from .tensor import Tensor, GradientShapeError, NonDifferentiableError
from . import ops

__all__ = ["build_grad", "backward", "unbroadcast", "subgraph", "consumers"]

_by_seq = attrgetter("seq")
_LEADING = [tuple(range(k)) for k in range(8)]


def unbroadcast(g, shape, op=None, i=None):
    """Sum the gradient ``g`` down to ``shape``, undoing numpy broadcasting.

    This is the one place where broadcasting is undone.  Afterwards the shape
    must match exactly; if it does not, the op's rule is wrong and we say so."""
    gshape = g.shape
    lead = len(gshape) - len(shape)
    if lead == 1 and gshape[1:] == shape and type(g) is np.ndarray:
        return np.add.reduce(g, axis=0)           # the usual case: a bias over a batch
    if lead > 0:                                  # axes broadcasting added in front
        axes = _LEADING[lead] if lead < 8 else tuple(range(lead))
        g = np.add.reduce(g, axis=axes) if type(g) is np.ndarray else ops.sum(g, axis=axes)
        if g.shape == shape:
            return g
    if lead >= 0:                                 # axes that were stretched from 1
        ones = tuple(k for k, s in enumerate(shape) if s == 1 and gshape[lead + k] != 1)
        if ones:
            g = np.add.reduce(g, axis=ones, keepdims=True) if type(g) is np.ndarray \
                else ops.sum(g, axis=ones, keepdims=True)
    if g.shape != tuple(shape):
        where = "" if op is None else "%s.bprop for input %d: " % (op.name, i)
        raise GradientShapeError(
            "%sgradient of shape %s does not fit the input's shape %s"
            % (where, gshape, tuple(shape)))
    return g


def consumers(z):
    """The book's get_consumers, for the graph that leads to ``z``: a dict
    from each variable that requires a gradient to the list of variables
    computed from it (its consumers).  build_grad never builds this table: it
    visits variables newest first, which guarantees the same thing, that every
    consumer is done before its inputs."""
    table = {z: []}
    stack = [z]
    while stack:
        v = stack.pop()
        if v.op is None:
            continue
        for x in v.inputs:
            if type(x) is Tensor and x.requires_grad:
                if x not in table:
                    table[x] = []
                    stack.append(x)
                if not any(c is v for c in table[x]):
                    table[x].append(v)
    return table


def subgraph(z, targets):
    """G' of Algorithm 6.5 when ``targets`` are given: the ids of the variables
    that lie on a path from a target to ``z``.  Only they need a gradient."""
    nodes = [z]
    seen = {id(z)}
    stack = [z]
    tids = {id(t) for t in targets}
    while stack:
        v = stack.pop()
        if v.op is None or id(v) in tids:
            continue
        for x in v.inputs:
            if type(x) is Tensor and x.requires_grad and id(x) not in seen:
                seen.add(id(x))
                stack.append(x)
                nodes.append(x)
    nodes.sort(key=_by_seq)             # inputs before consumers
    useful = set()
    for v in nodes:
        k = id(v)
        if k in tids or (v.op is not None and any(
                type(x) is Tensor and id(x) in useful for x in v.inputs)):
            useful.add(k)
    return useful


def build_grad(z, targets=None, G=None, create_graph=False):
    """Back-propagate from the variable ``z``; return ``{id(V): (V, dz/dV)}``
    for the targets (or, with ``targets=None``, for every leaf reached).

    ``G``: the gradient of some scalar with respect to ``z`` (ones by default,
    for a scalar ``z``).

    ``create_graph=False`` is the fast, symbol-to-number path: rules run on
    plain arrays.  ``create_graph=True`` runs the same rules on the Tensors
    themselves, so the gradients are new graph nodes (symbol-to-symbol, 6.5.5)
    that can be differentiated again: Hessian-vector products, grad of grad.
    """
    if G is None:
        G = np.ones_like(z.value)
    if z.op is None or (targets is not None and any(t is z for t in targets)):
        return {id(z): (z, G)}
    if targets is None:
        tids = useful = None
    else:
        tids = {id(t) for t in targets}
        useful = subgraph(z, targets)
    # grad_table is keyed by the variables themselves.  (Tensor compares
    # elementwise with ==, but a dict only calls == on a hash match, and the
    # identity hash of two live objects never matches.)
    grad_table = {z: G}
    owned = set()       # buffers we allocated ourselves, so may add into in place
    done = []           # leaves and targets: their gradients are final at the end
    # Variables waiting for their turn, newest first.  A variable enters when
    # the first consumer sends it a gradient, and leaves only after all of its
    # consumers (which are newer) have been processed: its gradient is complete.
    waiting = [(-z.seq, z)]
    pop, push, add, T = heappop, heappush, np.add, Tensor
    while waiting:
        V = pop(waiting)[1]
        G = grad_table.pop(V)
        op = V.op
        if create_graph:
            args, ans = V.inputs, V
        else:
            args, ans = V.args, V.value
        vjps, params = op.vjps, V.params
        for i, X in enumerate(V.inputs):
            if type(X) is not T or not X.requires_grad:
                continue
            if useful is not None and id(X) not in useful:
                continue
            rule = vjps[i]
            if rule is None:          # e.g. the condition of `where`
                continue
            # op.bprop(inputs, X, G) of the book:
            g = rule(G, ans, *args, **params) if params else rule(G, ans, *args)
            shape = X.value.shape
            if g.shape != shape:
                g = unbroadcast(g, shape, op, i)
            prev = grad_table.get(X)
            if prev is None:
                grad_table[X] = g
                if X.op is None or (tids is not None and id(X) in tids):
                    done.append(X)    # nothing to pass on: no need to queue
                else:
                    push(waiting, (-X.seq, X))
            elif create_graph:
                grad_table[X] = ops.add(prev, g)
            elif X in owned:
                add(prev, g, out=prev)
            else:
                prev = prev + g
                grad_table[X] = prev
                if type(prev) is np.ndarray:
                    owned.add(X)
    return {id(X): (X, grad_table[X]) for X in done}


def finish_leaf_grad(g, leaf, seen):
    """A gradient ready to hand to the user: the leaf's dtype, and a writable
    array of its own (views and arrays shared between two leaves are
    copied)."""
    if type(g) is not np.ndarray:
        if type(g) is Tensor:
            return g
        g = np.asarray(g)
    dtype = leaf.value.dtype
    if g.dtype is not dtype and g.dtype != dtype:
        g = g.astype(dtype)
    elif g.base is not None or id(g) in seen:   # a view, or handed out already
        g = g.copy()
    seen.add(id(g))
    return g


def backward(z, G=None):
    """``z.backward()``: store dz/dV in ``V.grad`` for every leaf V."""
    if type(z) is not Tensor or not z.requires_grad:
        raise NonDifferentiableError(no_graph_message(z, "backward"))
    if G is None:
        if z.value.size != 1:
            raise ValueError(
                "backward: the output has shape %s; backward() without an "
                "argument needs a scalar. Pass G, the gradient with respect "
                "to the output, or reduce first (c6.sum, c6.mean)." % (z.shape,))
        G = np.ones_like(z.value)
    else:
        G = np.asarray(G.value if type(G) is Tensor else G)
        if G.shape != z.shape:
            raise ValueError("backward: G has shape %s but the output has shape %s"
                             % (G.shape, z.shape))
    seen = set()
    for V, g in build_grad(z, None, G).values():
        V.grad = finish_leaf_grad(g, V, seen)


_tensor._backward = backward


def no_graph_message(z, who):
    cut = getattr(z, "cut", None)
    if cut is not None:
        return ("%s: the output depends on the variables only through '%s', "
                "which has no gradient (it is piecewise constant). The "
                "gradient is undefined there and zero elsewhere." % (who, cut))
    return ("%s: the output is not connected to any variable that requires a "
            "gradient" % who)


def find_cut(z, leaf):
    """Name the op without a gradient through which ``z`` depends on ``leaf``,
    or None if ``z`` does not depend on ``leaf`` at all."""
    stack = [(z, None)]
    seen = set()
    while stack:
        v, cut = stack.pop()
        if v is leaf:
            return cut
        if id(v) in seen or v.op is None:
            continue
        seen.add(id(v))
        here = cut
        if here is None and v.op.vjps is None:
            here = v.op.name
        for i, x in enumerate(v.inputs):
            if type(x) is Tensor:
                edge = here
                if edge is None and v.op.vjps is not None and v.op.vjps[i] is None:
                    edge = "%s (input %d)" % (v.op.name, i)
                stack.append((x, edge))
    return None
