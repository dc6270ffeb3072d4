"""Every primitive operation of ch6lib, declared once: its forward function
``f``, its VJP rules (``bprop``, one per input) and its JVP rules, side by side.

Reading a rule
--------------
``g`` is the gradient of the final scalar with respect to the op's output
``ans``; a VJP rule returns the gradient with respect to one input (the book's
``op.bprop(inputs, X, G)``, section 6.5.6).  ``t`` is the tangent of one input;
a JVP rule returns the tangent of ``ans`` that it causes (forward mode).

Rules may return a gradient of the *broadcast* shape: back-propagation sums it
back down to the input's shape in one place (``ch6lib.backprop.unbroadcast``)
and then checks the shape.  Rules are written with ch6lib's own functions, so
on plain arrays they are plain numpy and on Tensors they build a new graph that
can be differentiated again (symbol-to-symbol, 6.5.5).  Quantities that are
constant for differentiation (masks, arg-max positions) are computed from
``val(x)``, the plain value.

Every public function takes plain arrays too and then simply returns numpy's
answer: ``c6.exp(np.ones(3))`` is ``np.exp(np.ones(3))``.
"""
import builtins

import numpy as np

from .tensor import Op, Tensor, ShapeError, val

OPS = {}


def defop(name, f, vjp=None, jvp=None, jvp_all=None, explain=None):
    """Declare a primitive.  ``vjp``/``jvp``: one rule per input (a tuple), or
    a single rule for a one-input op.  No ``vjp`` means no gradient exists."""
    if vjp is not None and not isinstance(vjp, (tuple, _Variadic)):
        vjp = (vjp,)
    if jvp is not None and not isinstance(jvp, tuple):
        jvp = (jvp,)
    op = Op(name, f, vjp, jvp, jvp_all, explain)
    OPS[name] = op
    return op


class _Variadic:
    """VJP rules of an op with any number of inputs (concatenate, stack):
    ``rule(i, g, ans, *inputs)`` serves every input ``i``."""
    __slots__ = ("rule",)

    def __init__(self, rule):
        self.rule = rule

    def __getitem__(self, i):
        rule = self.rule
        return lambda g, ans, *inputs, **params: rule(i, g, ans, *inputs, **params)


# -- error messages ----------------------------------------------------------
def _broadcast_message(args, params):
    shapes = [np.shape(a) for a in args]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return "shapes %s cannot be broadcast together" % " and ".join(
            str(s) for s in shapes)
    return None


def _matmul_message(args, params):
    a, b = (np.shape(x) for x in args)
    if len(a) == 0 or len(b) == 0:
        return "cannot multiply %s by %s (matmul needs at least one axis)" % (a, b)
    return "cannot multiply %s by %s" % (a, b)


def _reshape_message(args, params):
    return "cannot reshape %s into %s" % (np.shape(args[0]), params.get("shape"))


# -- helpers used by the rules ---------------------------------------------
def _dpower(x, y):
    """d(x**y)/dx, with the common square done without a power."""
    if type(y) in (int, float):
        if y == 2:
            return 2 * x
        if y == 1:
            return np.ones_like(val(x))
    return y * x ** (y - 1)


def _keep(g, axis, keepdims, ndim):
    """Give a reduced gradient its size-1 axes back so it broadcasts."""
    if keepdims or g.ndim == 0:     # a 0-d gradient broadcasts as it is
        return g
    if axis is None:
        return reshape(g, (1,) * ndim)
    shape = list(np.shape(val(g)))
    for a in axis:
        shape.insert(a, 1)
    return reshape(g, tuple(shape))


def _expand_to(g, shape):
    """``g`` (with size-1 axes) repeated to ``shape``.  Small plain arrays are
    filled in (cheaper than building a broadcast view); otherwise a view."""
    if type(g) is not Tensor and _prod(shape) <= 4096:
        return np.full(shape, g, dtype=g.dtype)
    return broadcast_to(g, shape)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _count(shape, axis):
    """How many entries a reduction over ``axis`` adds up."""
    if axis is None:
        return _prod(shape)
    return _prod([shape[a] for a in axis])


def _argmax_mask(x, axis):
    """Boolean mask with one True per reduced slice, at its first arg-max:
    where the max reduction sends its gradient."""
    x = np.asarray(x)
    mask = np.zeros(x.shape, dtype=bool)
    if axis is None:
        mask.flat[np.argmax(x)] = True
        return mask
    if len(axis) == 1:
        idx = np.expand_dims(np.argmax(x, axis=axis[0]), axis[0])
        np.put_along_axis(mask, idx, True, axis=axis[0])
        return mask
    rest = [a for a in range(x.ndim) if a not in axis]
    perm = rest + list(axis)
    moved = np.transpose(x, perm)
    flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
    m = np.zeros(flat.shape, dtype=bool)
    np.put_along_axis(m, np.argmax(flat, axis=-1)[..., None], True, axis=-1)
    return np.transpose(m.reshape(moved.shape), np.argsort(perm))


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)          # rows of -inf stay -inf
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return out
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)


def _log_softmax(x, axis=-1):
    return x - _logsumexp(x, axis=(axis,), keepdims=True)


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _sigmoid(x):
    # 1 / (1 + e^-x) = exp(-softplus(-x)): accurate in both tails, no overflow.
    return np.exp(-np.logaddexp(0, -x))


def _is_basic_index(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis
               or (isinstance(i, np.ndarray) and i.dtype == bool) for i in items)


def _untake(g, idx, shape):
    """Scatter ``g`` into zeros of ``shape`` at ``idx`` (adding repeats)."""
    out = np.zeros(shape, dtype=np.result_type(g))
    if _is_basic_index(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


def _mT(a):
    return a.T if a.ndim == 2 else swapaxes(a, -1, -2)


def _matmul_vjp_x(g, ans, x, y):
    if x.ndim == 2 and y.ndim == 2:
        return g @ y.T
    if y.ndim == 1:
        if x.ndim == 1:
            return g * y
        return reshape(g, g.shape + (1,)) * y               # outer product
    if x.ndim == 1:
        gy = matmul(y, reshape(g, g.shape + (1,)))
        return reshape(gy, gy.shape[:-1])
    return matmul(g, _mT(y))


def _matmul_vjp_y(g, ans, x, y):
    if x.ndim == 2 and y.ndim == 2:
        return x.T @ g
    if x.ndim == 1:
        if y.ndim == 1:
            return g * x
        return reshape(x, (-1, 1)) * reshape(g, g.shape[:-1] + (1,) + g.shape[-1:])
    if y.ndim == 1:
        gx = matmul(_mT(x), reshape(g, g.shape + (1,)))
        return reshape(gx, gx.shape[:-1])
    return matmul(_mT(x), g)


def _concat_slices(i, g, inputs, axis):
    start = builtins.sum(np.shape(val(a))[axis] for a in inputs[:i])
    idx = [slice(None)] * np.ndim(val(g))
    idx[axis] = slice(start, start + np.shape(val(inputs[i]))[axis])
    return tuple(idx)


def _zeros_for(t, x):
    return t if t is not None else np.zeros_like(val(x), dtype=float)


# ============================================================================
# The table.  name, forward, VJP per input, JVP per input.
# ============================================================================

# -- elementwise, two inputs (broadcasting) ----------------------------------
ADD = defop("add", np.add,
    vjp=(lambda g, ans, x, y: g,
         lambda g, ans, x, y: g),
    jvp=(lambda t, ans, x, y: t,
         lambda t, ans, x, y: t),
    explain=_broadcast_message)

SUBTRACT = defop("subtract", np.subtract,
    vjp=(lambda g, ans, x, y: g,
         lambda g, ans, x, y: -g),
    jvp=(lambda t, ans, x, y: t,
         lambda t, ans, x, y: -t),
    explain=_broadcast_message)

MULTIPLY = defop("multiply", np.multiply,
    vjp=(lambda g, ans, x, y: g * y,
         lambda g, ans, x, y: g * x),
    jvp=(lambda t, ans, x, y: t * y,
         lambda t, ans, x, y: x * t),
    explain=_broadcast_message)

DIVIDE = defop("divide", np.true_divide,
    vjp=(lambda g, ans, x, y: g / y,
         lambda g, ans, x, y: -g * ans / y),
    jvp=(lambda t, ans, x, y: t / y,
         lambda t, ans, x, y: -t * ans / y),
    explain=_broadcast_message)

POWER = defop("power", np.power,
    vjp=(lambda g, ans, x, y: g * _dpower(x, y),
         lambda g, ans, x, y: g * ans * log(x)),
    jvp=(lambda t, ans, x, y: t * _dpower(x, y),
         lambda t, ans, x, y: t * ans * log(x)),
    explain=_broadcast_message)

MAXIMUM = defop("maximum", np.maximum,            # ties: the gradient goes to x
    vjp=(lambda g, ans, x, y: g * (val(x) >= val(y)),
         lambda g, ans, x, y: g * (val(x) < val(y))),
    jvp=(lambda t, ans, x, y: t * (val(x) >= val(y)),
         lambda t, ans, x, y: t * (val(x) < val(y))),
    explain=_broadcast_message)

MINIMUM = defop("minimum", np.minimum,            # ties: the gradient goes to x
    vjp=(lambda g, ans, x, y: g * (val(x) <= val(y)),
         lambda g, ans, x, y: g * (val(x) > val(y))),
    jvp=(lambda t, ans, x, y: t * (val(x) <= val(y)),
         lambda t, ans, x, y: t * (val(x) > val(y))),
    explain=_broadcast_message)

WHERE = defop("where", np.where,                  # the condition has no gradient
    vjp=(None,
         lambda g, ans, c, x, y: where(val(c), g, 0.0),
         lambda g, ans, c, x, y: where(val(c), 0.0, g)),
    jvp=(None,
         lambda t, ans, c, x, y: where(val(c), t, 0.0),
         lambda t, ans, c, x, y: where(val(c), 0.0, t)),
    explain=_broadcast_message)

MATMUL = defop("matmul", np.matmul,
    vjp=(_matmul_vjp_x, _matmul_vjp_y),
    jvp=(lambda t, ans, x, y: matmul(t, y),
         lambda t, ans, x, y: matmul(x, t)),
    explain=_matmul_message)

def _affine(x, W, b):
    out = x @ W
    if type(out) is np.ndarray and type(b) is np.ndarray and b.dtype is out.dtype:
        try:
            out += b                # `out` is fresh from matmul: add in place
            return out
        except ValueError:          # b would have to grow `out`: not in place
            pass
    return out + b


def _affine_message(args, params):
    return "cannot compute x @ W + b for x %s, W %s, b %s" % tuple(
        np.shape(a) for a in args)


AFFINE = defop("affine", _affine,                 # a = x W + b: one layer (Alg. 6.3)
    vjp=(lambda g, ans, x, W, b: g @ W.T,
         lambda g, ans, x, W, b: x.T @ g if x.ndim == 2 else _matmul_vjp_y(g, ans, x, W),
         lambda g, ans, x, W, b: g),
    jvp=(lambda t, ans, x, W, b: t @ W,
         lambda t, ans, x, W, b: x @ t,
         lambda t, ans, x, W, b: t),
    explain=_affine_message)

# -- elementwise, one input -------------------------------------------------
IDENTITY = defop("identity", lambda x: x,         # a new variable standing for x
    vjp=lambda g, ans, x: g,
    jvp=lambda t, ans, x: t)

NEGATIVE = defop("negative", np.negative,
    vjp=lambda g, ans, x: -g,
    jvp=lambda t, ans, x: -t)

EXP = defop("exp", np.exp,
    vjp=lambda g, ans, x: g * ans,
    jvp=lambda t, ans, x: t * ans)

LOG = defop("log", np.log,
    vjp=lambda g, ans, x: g / x,
    jvp=lambda t, ans, x: t / x)

SQRT = defop("sqrt", np.sqrt,
    vjp=lambda g, ans, x: g / (2 * ans),
    jvp=lambda t, ans, x: t / (2 * ans))

TANH = defop("tanh", np.tanh,
    vjp=lambda g, ans, x: g * (1 - ans * ans),
    jvp=lambda t, ans, x: t * (1 - ans * ans))

SIGMOID = defop("sigmoid", _sigmoid,
    vjp=lambda g, ans, x: g * (ans * (1 - ans)),
    jvp=lambda t, ans, x: t * (ans * (1 - ans)))

RELU = defop("relu", lambda x: np.maximum(x, 0),  # relu'(0) is taken as 0
    vjp=lambda g, ans, x: g * (val(x) > 0),
    jvp=lambda t, ans, x: t * (val(x) > 0))

SOFTPLUS = defop("softplus", lambda x: np.logaddexp(0, x),
    vjp=lambda g, ans, x: g * sigmoid(x),
    jvp=lambda t, ans, x: t * sigmoid(x))

ABS = defop("abs", np.abs,                        # abs'(0) = 0
    vjp=lambda g, ans, x: g * np.sign(val(x)),
    jvp=lambda t, ans, x: t * np.sign(val(x)))

SIN = defop("sin", np.sin,
    vjp=lambda g, ans, x: g * cos(x),
    jvp=lambda t, ans, x: t * cos(x))

COS = defop("cos", np.cos,
    vjp=lambda g, ans, x: -(g * sin(x)),
    jvp=lambda t, ans, x: -(t * sin(x)))

CLIP = defop("clip", lambda x, lo, hi: np.clip(x, lo, hi),
    vjp=lambda g, ans, x, lo, hi: g * _inside(val(x), lo, hi),
    jvp=lambda t, ans, x, lo, hi: t * _inside(val(x), lo, hi))


def _inside(x, lo, hi):
    m = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        m &= x >= lo
    if hi is not None:
        m &= x <= hi
    return m


# -- reductions ------------------------------------------------------------
SUM = defop("sum", np.add.reduce,
    vjp=lambda g, ans, x, axis, keepdims:
        _expand_to(_keep(g, axis, keepdims, x.ndim), x.shape),
    jvp=lambda t, ans, x, axis, keepdims: sum(t, axis, keepdims))

MEAN = defop("mean", lambda x, axis, keepdims:
        np.add.reduce(x, axis=axis, keepdims=keepdims) / _count(x.shape, axis),
    vjp=lambda g, ans, x, axis, keepdims:
        _expand_to(_keep(g, axis, keepdims, x.ndim) / _count(x.shape, axis), x.shape),
    jvp=lambda t, ans, x, axis, keepdims: mean(t, axis, keepdims))

MAX = defop("max", np.maximum.reduce,                       # the gradient goes to the first arg-max
    vjp=lambda g, ans, x, axis, keepdims:
        _keep(g, axis, keepdims, np.ndim(val(x))) * _argmax_mask(val(x), axis),
    jvp=lambda t, ans, x, axis, keepdims:
        sum(t * _argmax_mask(val(x), axis), axis, keepdims))

LOGSUMEXP = defop("logsumexp", _logsumexp,
    vjp=lambda g, ans, x, axis, keepdims:
        _keep(g, axis, keepdims, np.ndim(val(x)))
        * exp(x - _keep(ans, axis, keepdims, np.ndim(val(x)))),
    jvp=lambda t, ans, x, axis, keepdims:
        sum(t * exp(x - _keep(ans, axis, keepdims, np.ndim(val(x)))), axis, keepdims))

LOG_SOFTMAX = defop("log_softmax", _log_softmax,
    vjp=lambda g, ans, x, axis: g - exp(ans) * sum(g, (axis,), True),
    jvp=lambda t, ans, x, axis: t - sum(exp(ans) * t, (axis,), True))

SOFTMAX = defop("softmax", _softmax,
    vjp=lambda g, ans, x, axis: ans * (g - sum(g * ans, (axis,), True)),
    jvp=lambda t, ans, x, axis: ans * (t - sum(ans * t, (axis,), True)))

# -- shapes ----------------------------------------------------------------
RESHAPE = defop("reshape", np.reshape,
    vjp=lambda g, ans, x, shape: reshape(g, np.shape(val(x))),
    jvp=lambda t, ans, x, shape: reshape(t, np.shape(val(ans))),
    explain=_reshape_message)

TRANSPOSE = defop("transpose", np.transpose,
    vjp=lambda g, ans, x, axes:
        transpose(g, None if axes is None else tuple(np.argsort(axes))),
    jvp=lambda t, ans, x, axes: transpose(t, axes))

BROADCAST_TO = defop("broadcast_to", np.broadcast_to,   # unbroadcasting is the engine's job
    vjp=lambda g, ans, x, shape: g,
    jvp=lambda t, ans, x, shape: t)

CONCATENATE = defop("concatenate", lambda *xs, axis: np.concatenate(xs, axis),
    vjp=_Variadic(lambda i, g, ans, *xs, axis: g[_concat_slices(i, g, xs, axis)]),
    jvp_all=lambda ts, ans, *xs, axis:
        concatenate([_zeros_for(t, x) for t, x in zip(ts, xs)], axis))

STACK = defop("stack", lambda *xs, axis: np.stack(xs, axis),
    vjp=_Variadic(lambda i, g, ans, *xs, axis: g[(slice(None),) * axis + (i,)]),
    jvp_all=lambda ts, ans, *xs, axis:
        stack([_zeros_for(t, x) for t, x in zip(ts, xs)], axis))

GETITEM = defop("getitem", lambda x, idx: x[idx],
    vjp=lambda g, ans, x, idx: untake(g, idx, np.shape(val(x))),
    jvp=lambda t, ans, x, idx: t[idx])

UNTAKE = defop("untake", _untake,
    vjp=lambda g, ans, x, idx, shape: g[idx],
    jvp=lambda t, ans, x, idx, shape: untake(t, idx, shape))

# -- no gradient: comparisons, rounding, arg-max (book 6.5.8) ------------------
GREATER = defop("greater", np.greater, explain=_broadcast_message)
GREATER_EQUAL = defop("greater_equal", np.greater_equal, explain=_broadcast_message)
LESS = defop("less", np.less, explain=_broadcast_message)
LESS_EQUAL = defop("less_equal", np.less_equal, explain=_broadcast_message)
EQUAL = defop("equal", np.equal, explain=_broadcast_message)
NOT_EQUAL = defop("not_equal", np.not_equal, explain=_broadcast_message)
ARGMAX = defop("argmax", np.argmax)
ARGMIN = defop("argmin", np.argmin)
ROUND = defop("round", np.round)
FLOOR = defop("floor", np.floor)
CEIL = defop("ceil", np.ceil)
SIGN = defop("sign", np.sign)


# ============================================================================
# Public functions: plain arrays go straight to numpy, Tensors to the graph.
# ============================================================================
def _unary(op, doc):
    f, bind = op.f, op.bind

    def fn(x):
        if type(x) is Tensor:
            return bind(x)
        return f(x)
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


def _binary(op, doc):
    f, bind = op.f, op.bind

    def fn(x, y):
        if type(x) is Tensor or type(y) is Tensor:
            return bind(x, y)
        return f(x, y)
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


def affine(x, W, b):
    """``x @ W + b``, one fully connected layer, as a single op."""
    if type(x) is Tensor or type(W) is Tensor or type(b) is Tensor:
        return AFFINE.bind(x, W, b)
    return _affine(x, W, b)


add = _binary(ADD, "x + y (broadcasting).")
subtract = _binary(SUBTRACT, "x - y (broadcasting).")
multiply = _binary(MULTIPLY, "x * y, elementwise (broadcasting).")
divide = _binary(DIVIDE, "x / y, elementwise (broadcasting).")
power = _binary(POWER, "x ** y, elementwise (broadcasting).")
maximum = _binary(MAXIMUM, "Elementwise maximum; at ties the gradient goes to x.")
minimum = _binary(MINIMUM, "Elementwise minimum; at ties the gradient goes to x.")
matmul = _binary(MATMUL, "Matrix product x @ y (numpy's matmul rules).")
negative = _unary(NEGATIVE, "-x.")
exp = _unary(EXP, "e ** x.")
log = _unary(LOG, "Natural logarithm.")
sqrt = _unary(SQRT, "Square root.")
tanh = _unary(TANH, "Hyperbolic tangent.")
sigmoid = _unary(SIGMOID, "Logistic sigmoid 1 / (1 + exp(-x)), exact and finite for any x.")
relu = _unary(RELU, "Rectified linear unit max(0, x); its derivative at 0 is taken as 0.")
softplus = _unary(SOFTPLUS, "softplus(x) = log(1 + exp(x)), computed without overflow.")
abs = _unary(ABS, "Absolute value; its derivative at 0 is taken as 0.")
sin = _unary(SIN, "Sine.")
cos = _unary(COS, "Cosine.")
sign = _unary(SIGN, "Sign of x (no gradient).")
round = _unary(ROUND, "Round to the nearest integer (no gradient).")
floor = _unary(FLOOR, "Round down (no gradient).")
ceil = _unary(CEIL, "Round up (no gradient).")
greater = _binary(GREATER, "x > y (no gradient).")
greater_equal = _binary(GREATER_EQUAL, "x >= y (no gradient).")
less = _binary(LESS, "x < y (no gradient).")
less_equal = _binary(LESS_EQUAL, "x <= y (no gradient).")
equal = _binary(EQUAL, "x == y (no gradient).")
not_equal = _binary(NOT_EQUAL, "x != y (no gradient).")


def _axes(axis, ndim, name):
    """Normalise ``axis`` to a sorted tuple of non-negative ints (or None)."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ShapeError("%s: axis %d is out of bounds for an array of "
                             "dimension %d" % (name, a, ndim))
        out.append(a % ndim)
    return tuple(sorted(out))


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (an int, a tuple, or None for all axes)."""
    if type(x) is Tensor:
        return SUM.bind(x, axis=_axes(axis, x.ndim, "sum"), keepdims=keepdims)
    if type(x) is np.ndarray:
        return np.add.reduce(x, axis=axis, keepdims=keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``."""
    if type(x) is Tensor:
        return MEAN.bind(x, axis=_axes(axis, x.ndim, "mean"), keepdims=keepdims)
    return np.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``; the gradient goes to the (first) arg-max."""
    if type(x) is Tensor:
        return MAX.bind(x, axis=_axes(axis, x.ndim, "max"), keepdims=keepdims)
    return np.max(x, axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, stable for large |x|."""
    if type(x) is Tensor:
        return LOGSUMEXP.bind(x, axis=_axes(axis, x.ndim, "logsumexp"),
                              keepdims=keepdims)
    return _logsumexp(x, axis=_axes(axis, np.ndim(x), "logsumexp"), keepdims=keepdims)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``: log-probabilities, stable for large |x|."""
    if type(x) is Tensor:
        return LOG_SOFTMAX.bind(x, axis=_axes(axis, x.ndim, "log_softmax")[0])
    return _log_softmax(x, axis=axis)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, stable for large |x|."""
    if type(x) is Tensor:
        return SOFTMAX.bind(x, axis=_axes(axis, x.ndim, "softmax")[0])
    return _softmax(x, axis=axis)


def reshape(x, shape):
    """Same values, new shape (one entry may be -1)."""
    if type(x) is Tensor:
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        return RESHAPE.bind(x, shape=shape)
    return np.reshape(x, shape)


def transpose(x, axes=None):
    """Permute the axes (reverse them when ``axes`` is None)."""
    if type(x) is Tensor:
        return TRANSPOSE.bind(x, axes=None if axes is None else tuple(axes))
    return np.transpose(x, axes)


def swapaxes(x, a, b):
    """Exchange two axes."""
    n = np.ndim(val(x))
    if n < 2:
        return x
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(x, perm)


def broadcast_to(x, shape):
    """A view of ``x`` broadcast to ``shape``."""
    if type(x) is Tensor:
        return BROADCAST_TO.bind(x, shape=tuple(shape))
    return np.broadcast_to(x, shape)


def _has_tensor(xs):
    return any(type(x) is Tensor for x in xs)


def concatenate(xs, axis=0):
    """Join arrays along an existing axis."""
    xs = list(xs)
    if _has_tensor(xs):
        return CONCATENATE.bind(*xs, axis=_axes(axis, np.ndim(val(xs[0])), "concatenate")[0])
    return np.concatenate(xs, axis)


def stack(xs, axis=0):
    """Join arrays along a new axis."""
    xs = list(xs)
    if _has_tensor(xs):
        return STACK.bind(*xs, axis=_axes(axis, np.ndim(val(xs[0])) + 1, "stack")[0])
    return np.stack(xs, axis)


def _index(idx):
    if type(idx) is Tensor:
        return idx.value
    if isinstance(idx, tuple):
        return tuple(i.value if type(i) is Tensor else i for i in idx)
    return idx


def getitem(x, idx):
    """``x[idx]``; repeated indices add up in the gradient."""
    if type(x) is Tensor:
        return GETITEM.bind(x, idx=_index(idx))
    return x[_index(idx)]


def untake(g, idx, shape):
    """Zeros of ``shape`` with ``g`` added at ``idx``: the adjoint of indexing."""
    if type(g) is Tensor:
        return UNTAKE.bind(g, idx=idx, shape=shape)
    return _untake(g, idx, shape)


def where(condition, x, y):
    """``x`` where ``condition`` holds, ``y`` elsewhere; no gradient flows to
    the condition."""
    if type(x) is Tensor or type(y) is Tensor or type(condition) is Tensor:
        return WHERE.bind(val(condition), x, y)
    return np.where(condition, x, y)


def clip(x, lo=None, hi=None):
    """Limit values to [lo, hi]; the gradient is 1 inside, 0 outside."""
    if type(x) is Tensor:
        return CLIP.bind(x, lo=lo, hi=hi)
    return np.clip(x, lo, hi)


def argmax(x, axis=None):
    """Index of the maximum (no gradient)."""
    if type(x) is Tensor:
        return ARGMAX.bind(x, axis=axis)
    return np.argmax(x, axis=axis)


def argmin(x, axis=None):
    """Index of the minimum (no gradient)."""
    if type(x) is Tensor:
        return ARGMIN.bind(x, axis=axis)
    return np.argmin(x, axis=axis)


def square(x):
    """x ** 2."""
    return power(x, 2)


def expand_dims(x, axis):
    shape = list(np.shape(val(x)))
    shape.insert(axis if axis >= 0 else len(shape) + axis + 1, 1)
    return reshape(x, tuple(shape))


def stop_gradient(x):
    """The value of ``x`` as a constant: no gradient flows back through it."""
    return Tensor(x.value) if type(x) is Tensor else x


# ============================================================================
# Tensor operators are the ops above.
# ============================================================================
def _attach_operators():
    T = Tensor

    def forward(op):
        bind = op.bind
        return lambda a, b: bind(a, b)

    def reflected(op):                # other + tensor -> op(other, tensor)
        bind = op.bind
        return lambda a, b: bind(b, a)

    for name, op in (("add", ADD), ("sub", SUBTRACT), ("mul", MULTIPLY),
                     ("truediv", DIVIDE), ("pow", POWER), ("matmul", MATMUL)):
        setattr(T, "__%s__" % name, forward(op))
        setattr(T, "__r%s__" % name, reflected(op))
    for name, op in (("gt", GREATER), ("ge", GREATER_EQUAL), ("lt", LESS),
                     ("le", LESS_EQUAL), ("eq", EQUAL), ("ne", NOT_EQUAL)):
        setattr(T, "__%s__" % name, forward(op))
    T.__neg__ = lambda a: NEGATIVE.bind(a)
    T.__abs__ = lambda a: ABS.bind(a)
    T.__pos__ = lambda a: a
    T.__hash__ = object.__hash__
    T.__getitem__ = getitem
    T.T = property(lambda a: transpose(a))
    T.mT = property(lambda a: swapaxes(a, -1, -2))
    T.sum = lambda a, axis=None, keepdims=False: sum(a, axis, keepdims)
    T.mean = lambda a, axis=None, keepdims=False: mean(a, axis, keepdims)
    T.max = lambda a, axis=None, keepdims=False: max(a, axis, keepdims)
    T.reshape = lambda a, *shape: reshape(a, shape[0] if len(shape) == 1 else shape)
    T.transpose = lambda a, *axes: transpose(a, (axes[0] if len(axes) == 1 else axes) or None)
    T.exp = exp
    T.log = log
    T.tanh = tanh
    T.sqrt = sqrt
    T.argmax = lambda a, axis=None: argmax(a, axis)


_attach_operators()
