"""Variables and operations: the computational graph of section 6.5.1.

A :class:`Tensor` is a *variable* of the graph.  Every variable that is not a
leaf remembers the :class:`Op` that made it and the variables it was made from
(its *inputs*); the variables that were later made from it are its *consumers*.
That is all back-propagation (``ch6lib.backprop``) needs.

The primitive operations themselves, each with its forward function ``f``, its
VJP rules (the book's ``op.bprop``) and its JVP rules side by side, live in
``ch6lib.ops``.  This module only knows how to *apply* an op to variables.

Three things can flow through an op application (:meth:`Op.bind`):

* values, always (``numpy`` arrays or numbers);
* a graph edge, when an input ``requires_grad`` (reverse mode);
* a tangent, when an input carries one inside :func:`ch6lib.jvp` (forward
  mode): the op's JVP rules turn the input tangents into the output tangent in
  the same forward pass.
"""
from itertools import count

import numpy as np

__all__ = ["Tensor", "Op", "ShapeError", "IndexOutOfRange", "NonDifferentiableError",
           "GradientShapeError", "val", "leaf"]


class ShapeError(ValueError):
    """An op was given inputs whose shapes (or dtypes) it cannot combine."""


class IndexOutOfRange(ShapeError, IndexError):
    """An index outside an array's shape (also an IndexError, so iteration
    and ``except IndexError`` work as with numpy)."""


class NonDifferentiableError(TypeError):
    """A gradient was requested through an op whose gradient is undefined."""


class GradientShapeError(RuntimeError):
    """A ``bprop`` or JVP rule returned a result of the wrong shape (a bug)."""


_new = object.__new__

# Every variable gets the next number when it is created.  Inputs always exist
# before the op that consumes them, so creation order is a topological order
# of the graph (the "tape"): back-propagation visits variables by decreasing
# number.
_tape = count()

# Forward mode switch.  True while a ``jvp`` is running *and* we are not inside
# a JVP rule (rules compute tangents; they must not compute tangents of those).
_forward = [False]


def val(x):
    """The numeric value of ``x``: ``x.value`` for a Tensor, ``x`` otherwise.

    Rules use it for quantities that are constant for differentiation, such as
    the mask ``x > 0`` in the derivative of ReLU."""
    return x.value if type(x) is Tensor else x


class Op:
    """An operation of the graph (book 6.5.6): ``f`` computes the output value;
    ``bprop`` gives the gradient with respect to one input.

    ``vjps[i](G, ans, *inputs, **params)`` is the vector-Jacobian product for
    input ``i``: given the gradient ``G`` of the final scalar with respect to
    this op's output ``ans``, it returns that scalar's gradient with respect to
    input ``i``.  ``jvps[i](T, ans, *inputs, **params)`` is the Jacobian-vector
    product: the output tangent contributed by the tangent ``T`` of input ``i``.
    A rule of ``None`` marks an input that cannot be differentiated (a
    condition, an index); ``vjps=None`` marks an op with no gradient at all
    (comparisons, rounding, argmax).

    Rules are written with ch6lib's own ops, so the same rule runs on plain
    arrays (symbol-to-number, fast) or on Tensors, where it builds new graph
    nodes (symbol-to-symbol, 6.5.5) that can be differentiated again.
    """

    __slots__ = ("name", "f", "vjps", "jvps", "jvp_all", "explain")

    def __init__(self, name, f, vjps=None, jvps=None, jvp_all=None,
                 explain=None):
        self.name = name
        self.f = f
        self.vjps = vjps
        self.jvps = jvps
        self.jvp_all = jvp_all
        self.explain = explain

    def __repr__(self):
        return "<op %s>" % self.name

    @property
    def differentiable(self):
        return self.vjps is not None

    def bprop(self, inputs, i, G, ans, params=None):
        """The book's ``op.bprop(inputs, X, G)``, with ``X = inputs[i]``."""
        rule = self.vjps[i] if self.vjps is not None else None
        if rule is None:
            raise NonDifferentiableError(
                "%s: input %d has no gradient" % (self.name, i))
        return rule(G, ans, *inputs, **(params or {}))

    # -- applying the op ---------------------------------------------------
    def bind(self, *inputs, **params):
        """Apply the op to ``inputs`` (Tensors or plain values).

        Returns a Tensor.  It joins the graph when an input requires a
        gradient, and gets a tangent when an input has one."""
        args = []
        needs_grad = has_tangent = False
        cut = None
        for x in inputs:
            if type(x) is Tensor:
                args.append(x.value)
                if x.requires_grad:
                    needs_grad = True
                elif x.cut is not None:
                    cut = x.cut
                if x.tangent is not None:
                    has_tangent = True
            else:
                args.append(x)
        try:
            value = self.f(*args, **params)
        except (ValueError, TypeError, IndexError) as e:
            kind = IndexOutOfRange if isinstance(e, IndexError) else ShapeError
            raise kind(self._message(e, args, params)) from None

        out = _new(Tensor)
        out.value = value
        out.grad = None
        out.tangent = None
        out.seq = next(_tape)
        if self.vjps is None:
            # No gradient exists.  The output is a constant, but if it was made
            # from variables we keep the link, so that a request for a
            # gradient through here can be reported by name (book 6.5.8).
            out.requires_grad = False
            if needs_grad or has_tangent or cut is not None:
                out.cut = self.name if (needs_grad or has_tangent) else cut
                out.op, out.inputs, out.args, out.params = self, inputs, args, params
            else:
                out.cut = None
                out.op = None
            return out
        if needs_grad:
            out.requires_grad = True
            out.cut = None
            out.op, out.inputs, out.args, out.params = self, inputs, args, params
        else:
            out.requires_grad = False
            if cut is not None and not has_tangent:
                out.cut = cut
                out.op, out.inputs, out.args, out.params = self, inputs, args, params
            else:
                out.cut = None
                out.op = None
        if has_tangent and _forward[0]:
            out.tangent = self._tangent(out, inputs, args, params, needs_grad)
        return out

    def _tangent(self, out, inputs, args, params, recorded):
        # JVP rules see Tensors when the tangent must itself be differentiable
        # (a grad of a jvp), plain values otherwise.
        rule_args = inputs if recorded else args
        ans = out if recorded else out.value
        _forward[0] = False
        try:
            if self.jvp_all is not None:
                tangents = [x.tangent if type(x) is Tensor else None
                            for x in inputs]
                t = self.jvp_all(tangents, ans, *rule_args, **params)
            else:
                t = None
                for i, x in enumerate(inputs):
                    if type(x) is not Tensor or x.tangent is None:
                        continue
                    rule = self.jvps[i]
                    if rule is None:
                        continue
                    ti = rule(x.tangent, ans, *rule_args, **params)
                    t = ti if t is None else t + ti
            if t is not None and t.shape != np.shape(out.value):
                from .ops import broadcast_to      # the one place tangents broadcast
                try:
                    t = broadcast_to(t, np.shape(out.value))
                except ShapeError:
                    raise GradientShapeError(
                        "%s: JVP rule returned a tangent of shape %s for an "
                        "output of shape %s" % (self.name, t.shape,
                                                np.shape(out.value))) from None
        finally:
            _forward[0] = True
        return t

    def _message(self, error, args, params):
        if self.explain is not None:
            msg = self.explain(args, params)
            if msg:
                return "%s: %s" % (self.name, msg)
        shapes = ", ".join(_describe(a) for a in args)
        return "%s: %s (inputs: %s)" % (self.name, error, shapes)


def _describe(a):
    shape = np.shape(a)
    dtype = getattr(a, "dtype", type(a).__name__)
    return "%s %s" % (shape, dtype)


class Tensor:
    """A variable of the computational graph: a float array plus, optionally,
    the record of how it was computed.

    ``Tensor(array, requires_grad=True)`` makes a leaf whose gradient
    ``loss.backward()`` will store in ``.grad``.  Arithmetic operators, indexing
    and the functions of ``ch6lib`` (``c6.exp``, ``c6.sum``, ...) build the
    graph; the operators themselves are attached in ``ch6lib.ops``.
    """

    __slots__ = ("value", "requires_grad", "grad", "op", "inputs", "args",
                 "params", "tangent", "cut", "seq", "__weakref__")

    # Let ``ndarray * Tensor`` and ``ndarray @ Tensor`` reach our operators
    # instead of numpy turning the Tensor into an object array.
    __array_ufunc__ = None
    __hash__ = object.__hash__

    def __init__(self, value, requires_grad=False):
        if type(value) is Tensor:
            value = value.value
        a = np.asarray(value)
        kind = a.dtype.kind
        if kind in "biu":
            a = a.astype(np.float64)
        elif kind != "f":
            raise TypeError("Tensor: expected real numbers, got dtype %s"
                            % a.dtype)
        self.value = a
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self.op = None
        self.tangent = None
        self.cut = None
        self.seq = next(_tape)

    # -- array-like facts ----------------------------------------------------
    # (values are numpy arrays or numpy scalars: both have these attributes)
    @property
    def shape(self):
        return self.value.shape

    @property
    def ndim(self):
        return self.value.ndim

    @property
    def size(self):
        return self.value.size

    @property
    def dtype(self):
        return self.value.dtype

    def __len__(self):
        return len(self.value)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self.value)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def item(self):
        return np.asarray(self.value).item()

    def numpy(self):
        """The value as a numpy array (no graph)."""
        return np.asarray(self.value)

    def detach(self):
        """The same value as a new constant, cut from the graph."""
        return Tensor(self.value)

    def __array__(self, dtype=None, copy=None):
        # Lets np.asarray / matplotlib read the value.  numpy *functions* are
        # refused below, so no gradient is dropped silently.
        a = np.asarray(self.value)
        return a if dtype is None else a.astype(dtype)

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(
            "numpy.%s was given a ch6lib Tensor; numpy functions do not record "
            "the graph. Use the ch6lib function of the same name (c6.%s) or "
            "pass t.value for a constant." % (func.__name__, func.__name__))

    def __repr__(self):
        body = np.array2string(np.asarray(self.value), separator=", ",
                               prefix="Tensor(")
        extra = ""
        if self.requires_grad:
            extra = ", requires_grad=True" if self.op is None else \
                ", op=%s" % self.op.name
        return "Tensor(%s%s)" % (body, extra)

    def backward(self, G=None):
        """Back-propagate from this variable and store ``.grad`` on every leaf
        that requires a gradient (replacing any earlier ``.grad``)."""
        _backward(self, G)


def leaf(value, requires_grad=False, tangent=None):
    """A new leaf variable holding ``value`` as is (no copy, no checks)."""
    v = _new(Tensor)
    v.value = value
    v.requires_grad = requires_grad
    v.grad = v.op = v.cut = None
    v.tangent = tangent
    v.seq = next(_tape)
    return v


def _backward(z, G):            # replaced by ch6lib.backprop.backward on import
    from .backprop import backward
    backward(z, G)
