"""Function transformations, as in HIPS autograd and JAX.

* ``grad(f)`` / ``value_and_grad(f)`` / ``vjp(f, *x)``: reverse mode
  (back-propagation, ``ch6lib.backprop``);
* ``jvp(f, x, v)``: forward mode, one forward pass carrying tangents through
  each op's JVP rule;
* ``hvp(f)(x, v)`` and ``hessian(f)(x)``: second order (book 6.5.10);
* ``check_grad(f, *x)``: both modes against central finite differences.

They compose.  Inside another transformation, a gradient is computed
symbol-to-symbol (its rules run on Tensors), so it is itself a graph that the
outer transformation can differentiate: ``grad(grad(f))`` is reverse over
reverse, ``jvp(grad(f), ...)`` is forward over reverse.  (Forward over forward,
``jvp`` inside ``jvp``, is not supported and says so.)
"""
import functools

import numpy as np

from . import tensor as _tensor
from .tensor import Tensor, ShapeError, NonDifferentiableError, val, leaf
from .backprop import build_grad, finish_leaf_grad, find_cut, no_graph_message
from .ops import IDENTITY

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian",
           "check_grad", "GradCheck"]

_reverse_depth = [0]     # grads / vjps currently running
_jvp_active = [False]


def _as_float(x, who, what):
    """A float ndarray for an argument to differentiate (ints become float64)."""
    a = np.asarray(val(x))
    kind = a.dtype.kind
    if kind in "biu":
        return a.astype(np.float64)
    if kind != "f":
        raise TypeError("%s: %s has dtype %s; only real floating-point (or "
                        "integer, cast to float64) inputs can be differentiated"
                        % (who, what, a.dtype))
    return a


def _variable(x, who, what):
    """A fresh variable for an argument we differentiate with respect to.

    If ``x`` is already part of an outer computation (a Tensor that requires a
    gradient or carries a tangent), the new variable is linked to it by an
    identity op, so the outer transformation can still see through."""
    if type(x) is Tensor and x.requires_grad:
        return IDENTITY.bind(x)
    return leaf(_as_float(x, who, what), True,
                x.tangent if type(x) is Tensor else None)


def _is_traced(x):
    return type(x) is Tensor and (x.requires_grad or x.tangent is not None)


def _check_scalar(out, who):
    shape = np.shape(val(out))
    if int(np.prod(shape)) != 1:
        raise ValueError(
            "%s: the function must return a scalar, but it returned an array "
            "of shape %s. Reduce it first (c6.sum, c6.mean), or use c6.vjp for "
            "a function with a vector output." % (who, shape))


def _gradients(out, variables, argnums, who, nested, G=None):
    """d out / d variable for each variable, as arrays (or Tensors if nested)."""
    if type(out) is Tensor and out.requires_grad:
        table = build_grad(out, variables, G, create_graph=nested)
    else:
        table = {}
    seen = set()
    result = []
    for n, v in zip(argnums, variables):
        g = table.get(id(v))
        if g is not None:
            g = g[1]
        else:
            cut = find_cut(out, v) if type(out) is Tensor else None
            if cut is not None:
                raise NonDifferentiableError(
                    "%s: argument %d reaches the output only through '%s', "
                    "which has no gradient (it is piecewise constant: the "
                    "gradient is zero almost everywhere and undefined at its "
                    "jumps)." % (who, n, cut))
            g = np.zeros_like(v.value)
        if nested:
            result.append(g if type(g) is Tensor else Tensor(g))
        else:
            result.append(finish_leaf_grad(val(g), v, seen))
    return result


def _plain(out):
    v = val(out)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v[()]
    return v


def value_and_grad(f, argnums=0):
    """``value_and_grad(f)(*args) -> (f(*args), df/dargs[argnums])``.

    ``f`` must return a scalar.  With a tuple ``argnums`` the gradient is a
    tuple.  Gradients are arrays of each argument's shape and float dtype."""
    single = isinstance(argnums, (int, np.integer))
    nums = (int(argnums),) if single else tuple(int(a) for a in argnums)

    @functools.wraps(f)
    def value_and_grad_f(*args, **kwargs):
        who = "grad(%s)" % getattr(f, "__name__", "f")
        for n in nums:
            if not -len(args) <= n < len(args):
                raise TypeError("%s: argnums=%r but the function was called with "
                                "%d positional arguments" % (who, argnums, len(args)))
        args = list(args)
        nested = (_reverse_depth[0] > 0 or _jvp_active[0]
                  or any(_is_traced(args[n]) for n in nums))
        variables = []
        for n in nums:
            v = _variable(args[n], who, "argument %d" % n)
            args[n] = v
            variables.append(v)
        _reverse_depth[0] += 1
        try:
            out = f(*args, **kwargs)
        finally:
            _reverse_depth[0] -= 1
        _check_scalar(out, who)
        grads = _gradients(out, variables, nums, who, nested)
        value = out if nested else _plain(out)
        return value, (grads[0] if single else tuple(grads))

    return value_and_grad_f


def grad(f, argnums=0):
    """``grad(f)(*args)``: the gradient of the scalar function ``f`` with respect
    to argument ``argnums`` (an int, or a tuple for several)."""
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    return grad_f


def vjp(f, *primals):
    """``out, vjp_fn = vjp(f, *primals)``; ``vjp_fn(ct)`` is the tuple of
    ``ct``-weighted gradients, one per primal (reverse mode, any output
    shape)."""
    who = "vjp(%s)" % getattr(f, "__name__", "f")
    nested = _reverse_depth[0] > 0 or _jvp_active[0] or any(_is_traced(p) for p in primals)
    variables = [_variable(p, who, "primal %d" % i) for i, p in enumerate(primals)]
    _reverse_depth[0] += 1
    try:
        out = f(*variables)
    finally:
        _reverse_depth[0] -= 1
    out_shape = np.shape(val(out))

    def vjp_fn(cotangent):
        ct = cotangent if type(cotangent) is Tensor else np.asarray(cotangent, dtype=float)
        if np.shape(val(ct)) != out_shape:
            raise ShapeError("%s: the cotangent has shape %s but the output has "
                             "shape %s" % (who, np.shape(val(ct)), out_shape))
        return tuple(_gradients(out, variables, range(len(variables)), who,
                                nested or type(ct) is Tensor, ct))

    return (out if nested else _plain(out)), vjp_fn


def jvp(f, primals, tangents):
    """``jvp(f, primals, tangents) -> (f(*primals), J tangents)`` in one forward
    pass (forward mode).  ``primals`` and ``tangents`` are tuples of equal
    structure; ``f`` may return an array or a tuple of arrays."""
    who = "jvp(%s)" % getattr(f, "__name__", "f")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("%s: primals and tangents must be tuples, one entry per "
                        "argument of f, e.g. jvp(f, (x,), (v,))" % who)
    if len(primals) != len(tangents):
        raise ValueError("%s: %d primals but %d tangents"
                         % (who, len(primals), len(tangents)))
    if _jvp_active[0]:
        raise NotImplementedError(
            "%s: forward mode inside forward mode (jvp of jvp) is not supported; "
            "use jvp of grad, or grad of jvp, for second derivatives" % who)
    nested = _reverse_depth[0] > 0 or any(_is_traced(p) for p in primals)
    variables = []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        pv = _as_float(p, who, "primal %d" % i)
        tv = t if type(t) is Tensor else _as_float(t, who, "tangent %d" % i)
        if np.shape(val(tv)) != pv.shape:
            raise ShapeError("%s: tangent %d has shape %s but primal %d has shape %s"
                             % (who, i, np.shape(val(tv)), i, pv.shape))
        if type(tv) is not Tensor and tv.dtype != pv.dtype:
            tv = tv.astype(pv.dtype)
        if type(p) is Tensor and p.requires_grad:
            v = IDENTITY.bind(p)
        else:
            v = Tensor(pv)
        v.tangent = tv
        variables.append(v)
    _jvp_active[0] = True
    _tensor._forward[0] = True
    try:
        out = f(*variables)
    finally:
        _jvp_active[0] = False
        _tensor._forward[0] = False
    if isinstance(out, (tuple, list)):
        pairs = [_tangent_of(o, who) for o in out]
        outs = tuple(o if nested else _plain(o) for o in out)
        tans = tuple(t if nested else _plain(t) for t in pairs)
        return outs, tans
    t = _tangent_of(out, who)
    return (out if nested else _plain(out)), (t if nested else _plain(t))


def _tangent_of(out, who):
    if type(out) is Tensor and out.tangent is not None:
        return out.tangent
    if type(out) is Tensor and out.cut is not None:
        raise NonDifferentiableError(no_graph_message(out, who))
    return np.zeros_like(np.asarray(val(out), dtype=float))


def hvp(f, mode="reverse-over-forward"):
    """``hvp(f)(x, v)``: the Hessian of the scalar ``f`` at ``x`` times ``v``,
    without forming the Hessian (book 6.5.10).

    ``x`` and ``v`` are arrays, or tuples of arrays of the same structure (then
    ``f`` takes the tuple as its one argument and the result is a tuple).

    The book writes Hv = grad_x[(grad_x f(x))^T v].  Three ways to compute it,
    all giving the same numbers:

    * ``"reverse-over-forward"`` (default): (grad f)^T v is the directional
      derivative of f along v, which one forward-mode pass (``jvp``) gives;
      back-propagate through that pass.  It never computes grad f itself, so
      it is the cheapest.
    * ``"reverse-over-reverse"``: the book's formula literally: build grad f
      as a graph (symbol-to-symbol), dot it with v, back-propagate again.
    * ``"forward-over-reverse"``: push the tangent v through the gradient
      computation (``jvp`` of ``grad``).
    """
    if mode not in ("forward-over-reverse", "reverse-over-reverse", "reverse-over-forward"):
        raise ValueError("hvp: mode must be 'reverse-over-forward', "
                         "'reverse-over-reverse' or 'forward-over-reverse', "
                         "not %r" % (mode,))

    def hvp_f(x, v):
        is_tuple = isinstance(x, (tuple, list))
        xs = tuple(x) if is_tuple else (x,)
        vs = tuple(v) if isinstance(v, (tuple, list)) else (v,)
        if len(xs) != len(vs) or is_tuple != isinstance(v, (tuple, list)):
            raise ValueError("hvp: x and v must have the same structure (x has "
                             "%d parts, v has %d)" % (len(xs), len(vs)))
        for k, (a, b) in enumerate(zip(xs, vs)):
            if np.shape(val(a)) != np.shape(val(b)):
                raise ShapeError("hvp: v%s has shape %s but x%s has shape %s" % (
                    "[%d]" % k if is_tuple else "", np.shape(val(b)),
                    "[%d]" % k if is_tuple else "", np.shape(val(a))))
        nums = tuple(range(len(xs)))
        g = (lambda *p: f(tuple(p))) if is_tuple else f
        if mode == "reverse-over-forward":
            hv = grad(lambda *p: jvp(g, p, vs)[1], nums)(*xs)
        elif mode == "forward-over-reverse":
            _, hv = jvp(grad(g, nums), xs, vs)
        else:
            gradient = grad(g, nums)
            from .ops import sum as _sum

            def directional(*p):
                total = 0.0
                for gi, vi in zip(gradient(*p), vs):
                    total = total + _sum(gi * vi)
                return total
            hv = grad(directional, nums)(*xs)
        return tuple(hv) if is_tuple else hv[0]

    return hvp_f


def hessian(f):
    """``hessian(f)(x)``: the full Hessian, shape ``x.shape + x.shape``, one
    Hessian-vector product per entry of ``x`` (meant for small ``x``)."""
    hv = hvp(f)

    def hessian_f(x):
        x = _as_float(x, "hessian", "x")
        cols = []
        for j in range(x.size):
            e = np.zeros(x.size, dtype=x.dtype)
            e[j] = 1.0
            cols.append(np.asarray(hv(x, e.reshape(x.shape))).reshape(-1))
        return np.stack(cols, axis=1).reshape(x.shape + x.shape)

    return hessian_f


class GradCheck(float):
    """The worst disagreement found by :func:`check_grad` (a float you can
    compare with a tolerance) and where it was."""

    def __new__(cls, error, **where):
        self = float.__new__(cls, error)
        self.__dict__.update(where)
        return self

    def __repr__(self):
        if self.argnum is None:
            return "GradCheck(error=%.3g: no entries to check)" % float(self)
        return ("GradCheck(error=%.3g, worst at argument %d index %s: reverse %.10g, "
                "forward %.10g, finite difference %.10g)"
                % (float(self), self.argnum, self.index, self.reverse,
                   self.forward, self.numeric))

    __str__ = __repr__


def _item(x):
    return np.asarray(val(x), dtype=np.float64).item()


def check_grad(f, *args, eps=None, seed=0, max_entries=None):
    """Compare reverse mode, forward mode and central finite differences.

    For each argument and each entry (at most ``max_entries`` random entries
    per argument), computes the derivative three ways.  Non-scalar outputs are
    first reduced with a fixed random weighting.  The error of an entry is
    ``|a - b| / max(1, |a|, |b|)`` for the worse of reverse and forward against
    the finite difference: relative for large derivatives, absolute for small.

    Returns a :class:`GradCheck`: a float (the worst error) that also tells
    which argument and index disagree and the three numbers."""
    xs = [_as_float(a, "check_grad", "argument %d" % i).astype(np.float64)
          for i, a in enumerate(args)]
    rng = np.random.default_rng(seed)
    out0 = np.asarray(val(f(*xs)), dtype=np.float64)
    weights = None if out0.size == 1 else rng.standard_normal(out0.shape)

    from .ops import sum as _sum

    def phi(*p):
        y = f(*p)
        return y if weights is None else _sum(y * weights)

    reverse = grad(phi, tuple(range(len(xs))))(*xs)
    worst = GradCheck(0.0, argnum=None, index=None, reverse=np.nan,
                      forward=np.nan, numeric=np.nan)
    for i, x in enumerate(xs):
        entries = list(np.ndindex(x.shape))
        if max_entries is not None and len(entries) > max_entries:
            pick = rng.choice(len(entries), size=max_entries, replace=False)
            entries = [entries[k] for k in sorted(pick)]
        for idx in entries:
            h = (eps if eps is not None else 6e-6) * max(1.0, abs(x[idx]))
            up, down = [a.copy() for a in xs], [a.copy() for a in xs]
            up[i][idx] += h
            down[i][idx] -= h
            numeric = (_item(phi(*up)) - _item(phi(*down))) / (2 * h)
            tangents = [np.zeros_like(a) for a in xs]
            tangents[i][idx] = 1.0
            forward = _item(jvp(phi, tuple(xs), tuple(tangents))[1])
            rev = float(reverse[i][idx])
            err = max(abs(rev - numeric), abs(forward - numeric)) / max(
                1.0, abs(rev), abs(forward), abs(numeric))
            if err > worst or worst.argnum is None:
                worst = GradCheck(err, argnum=i, index=idx, reverse=rev,
                                  forward=forward, numeric=numeric)
    return worst
