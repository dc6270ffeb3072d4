"""Every primitive: VJP and JVP against central finite differences (through
``c6.check_grad``), and Hessian-vector products against finite differences of
the gradient, on shapes drawn by hypothesis, broadcasting included, float64."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import ch6lib as c6

FAST = settings(max_examples=20, deadline=None)
TOL = 1e-6


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, lo=-2.0, hi=2.0):
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi))


def away(x, points, margin=1e-2):
    """True when no entry of x lies within ``margin`` of a kink."""
    x = np.asarray(x)
    return all(np.all(np.abs(x - p) > margin) for p in points)


def fd_hvp(f, xs, vs, h=1e-5):
    """(grad f(x + h v) - grad f(x - h v)) / 2h, for a tuple of arrays."""
    n = tuple(range(len(xs)))
    up = c6.grad(f, n)(*[x + h * v for x, v in zip(xs, vs)])
    down = c6.grad(f, n)(*[x - h * v for x, v in zip(xs, vs)])
    return [(a - b) / (2 * h) for a, b in zip(up, down)]


def check_second_order(f, xs, seed=0):
    """hvp (all three modes) against finite differences of the gradient."""
    rng = np.random.default_rng(seed)
    vs = tuple(rng.standard_normal(np.shape(x)) for x in xs)
    want = fd_hvp(f, xs, vs)
    joint = lambda p: f(*p)
    for mode in ("reverse-over-forward", "reverse-over-reverse", "forward-over-reverse"):
        got = c6.hvp(joint, mode)(tuple(xs), vs)
        for g, w in zip(got, want):
            scale = max(1.0, float(np.max(np.abs(w))) if np.size(w) else 1.0)
            assert np.shape(g) == np.shape(w)
            assert np.max(np.abs(g - w), initial=0.0) / scale < 1e-5, (mode, g, w)


def weighted(op, shape_of_out=None):
    """A scalar function sum(op(*xs) * w) with fixed random weights w."""
    cache = {}

    def f(*xs):
        y = op(*xs)
        shape = np.shape(y.value if isinstance(y, c6.Tensor) else y)
        if shape not in cache:
            cache[shape] = np.random.default_rng(7).standard_normal(shape)
        return c6.sum(y * cache[shape])
    return f


# -- elementwise, one input ----------------------------------------------------
UNARY = [
    # name, function, domain, kinks, twice differentiable
    ("negative", c6.negative, (-2, 2), [], True),
    ("exp", c6.exp, (-2, 2), [], True),
    ("log", c6.log, (0.2, 3), [], True),
    ("sqrt", c6.sqrt, (0.2, 3), [], True),
    ("tanh", c6.tanh, (-3, 3), [], True),
    ("sigmoid", c6.sigmoid, (-4, 4), [], True),
    ("relu", c6.relu, (-2, 2), [0.0], True),
    ("softplus", c6.softplus, (-4, 4), [], True),
    ("abs", c6.abs, (-2, 2), [0.0], True),
    ("sin", c6.sin, (-3, 3), [], True),
    ("cos", c6.cos, (-3, 3), [], True),
    ("square", c6.square, (-2, 2), [], True),
    ("clip", lambda x: c6.clip(x, -0.5, 0.7), (-2, 2), [-0.5, 0.7], True),
    ("identity", c6.ops.IDENTITY.bind, (-2, 2), [], True),
]


@pytest.mark.parametrize("name,fn,domain,kinks,second", UNARY, ids=[u[0] for u in UNARY])
@FAST
@given(data=st.data())
def test_unary(name, fn, domain, kinks, second, data):
    x = data.draw(arrays(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), *domain))
    assume(away(x, kinks))
    assert c6.check_grad(fn, x) < TOL
    if second:
        check_second_order(weighted(fn), (x,))


def test_unary_forward_values_match_numpy():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(c6.sigmoid(c6.Tensor(x)).value, 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(c6.softplus(c6.Tensor(x)).value, np.log1p(np.exp(x)), rtol=1e-14)
    np.testing.assert_array_equal(c6.relu(c6.Tensor(x)).value, np.maximum(x, 0))


# -- elementwise, two inputs, broadcasting --------------------------------------
BINARY = [
    ("add", c6.add, (-2, 2), (-2, 2)),
    ("subtract", c6.subtract, (-2, 2), (-2, 2)),
    ("multiply", c6.multiply, (-2, 2), (-2, 2)),
    ("divide", c6.divide, (-2, 2), (0.3, 2)),
    ("power", c6.power, (0.3, 2), (-2, 2)),
    ("maximum", c6.maximum, (-2, 2), (-2, 2)),
    ("minimum", c6.minimum, (-2, 2), (-2, 2)),
]


@pytest.mark.parametrize("name,fn,dx,dy", BINARY, ids=[b[0] for b in BINARY])
@FAST
@given(data=st.data())
def test_binary_broadcasting(name, fn, dx, dy, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    x = data.draw(arrays(shapes.input_shapes[0], *dx))
    y = data.draw(arrays(shapes.input_shapes[1], *dy))
    if name in ("maximum", "minimum"):
        assume(np.all(np.abs(np.subtract(x, y)) > 1e-2))
    assert c6.check_grad(fn, x, y) < TOL
    check_second_order(weighted(fn), (x, y))


def test_operators_on_either_side():
    x = c6.Tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0])
    out = (a * x + x * a + a - x + x / a + a / x + 2 ** x + x ** 2 + (-x)) @ a + a @ x
    out.backward()
    want = a + a - 1 + 1 / a - a / x.value ** 2 + 2 ** x.value * np.log(2) + 2 * x.value - 1
    np.testing.assert_allclose(x.grad, want * a + a)
    assert isinstance(a @ x, c6.Tensor) and isinstance(np.float64(2) * x, c6.Tensor)


# -- where, matmul, affine ----------------------------------------------------------
@FAST
@given(data=st.data())
def test_where(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    c = data.draw(hnp.arrays(bool, shapes.input_shapes[0]))
    x = data.draw(arrays(shapes.input_shapes[1]))
    y = data.draw(arrays(shapes.input_shapes[2]))
    f = lambda x, y: c6.where(c, x, y)
    assert c6.check_grad(f, x, y) < TOL
    check_second_order(weighted(lambda x, y: c6.where(c, x * x, y * x)), (x, y))


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((2, 2, 3), (2, 3, 1)),
                 ((3,), (2, 3, 2)), ((2, 2, 3), (3,))]


@pytest.mark.parametrize("sx,sy", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul(sx, sy):
    rng = np.random.default_rng(len(sx) * 10 + len(sy))
    x, y = rng.standard_normal(sx), rng.standard_normal(sy)
    assert c6.check_grad(c6.matmul, x, y) < TOL
    check_second_order(weighted(lambda a, b: c6.tanh(a @ b)), (x, y))


@pytest.mark.parametrize("sx", [(3,), (4, 3)])
def test_affine(sx):
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal(sx), rng.standard_normal((3, 2)), rng.standard_normal(2)
    np.testing.assert_allclose(c6.affine(c6.Tensor(x), W, b).value, x @ W + b)
    assert c6.check_grad(c6.affine, x, W, b) < TOL
    check_second_order(weighted(lambda x, W, b: c6.tanh(c6.affine(x, W, b))), (x, W, b))


# -- reductions -------------------------------------------------------------------
def axes_for(ndim):
    opts = [None] + list(range(-ndim, ndim))
    if ndim >= 2:
        opts += [(0, ndim - 1)]
    return st.sampled_from(opts)


REDUCTIONS = [
    ("sum", c6.sum), ("mean", c6.mean), ("max", c6.max), ("logsumexp", c6.logsumexp),
]


@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@FAST
@given(data=st.data())
def test_reductions(name, fn, data):
    x = data.draw(arrays(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3)))
    axis = data.draw(axes_for(x.ndim))
    keepdims = data.draw(st.booleans())
    if name == "max":                       # no near-ties: the max must be unique
        s = np.sort(x.ravel())
        assume(s.size < 2 or np.min(np.diff(s)) > 1e-2)
    f = lambda x: fn(x, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(f(c6.Tensor(x)).value, f(x))
    assert c6.check_grad(f, x) < TOL
    check_second_order(weighted(lambda x: c6.tanh(f(x))), (x,))


@pytest.mark.parametrize("fn", [c6.log_softmax, c6.softmax])
@FAST
@given(data=st.data())
def test_softmax_family(fn, data):
    x = data.draw(arrays(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), -3, 3))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    f = lambda x: fn(x, axis=axis)
    assert c6.check_grad(f, x) < TOL
    check_second_order(weighted(f), (x,))


def test_max_sends_gradient_to_first_argmax():
    g = c6.grad(lambda x: c6.max(x))(np.array([1.0, 3.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [0, 1, 0, 0])
    g = c6.grad(lambda x: c6.sum(c6.max(x, axis=(0, 2))))(np.ones((2, 2, 2)))
    assert g.sum() == 2 and np.all(g.reshape(2, 2, 2)[0, :, 0] == 1)


# -- shapes and indexing ----------------------------------------------------------------
@FAST
@given(data=st.data())
def test_reshape_transpose_broadcast(data):
    x = data.draw(arrays(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3)))
    perm = data.draw(st.permutations(range(x.ndim)))
    assert c6.check_grad(lambda x: c6.reshape(x, (-1,)), x) < TOL
    assert c6.check_grad(lambda x: c6.transpose(x, perm), x) < TOL
    assert c6.check_grad(lambda x: c6.transpose(x), x) < TOL
    target = data.draw(hnp.broadcastable_shapes(x.shape, min_dims=x.ndim, max_dims=x.ndim + 1)
                       .map(lambda s: np.broadcast_shapes(s, x.shape)))
    assert c6.check_grad(lambda x: c6.broadcast_to(x, target), x) < TOL
    check_second_order(weighted(lambda x: c6.transpose(c6.reshape(x * x, (-1,)))), (x,))
    check_second_order(weighted(lambda x: c6.broadcast_to(c6.sin(x), target) ** 2), (x,))


INDICES = [(1,), (slice(1, None),), (Ellipsis, 0), (np.array([0, 0, 2]),),
           (np.array([1, 0]), np.array([2, 2])), (None, slice(None, None, -1)),
           (np.array([True, False, True]),)]


@pytest.mark.parametrize("idx", INDICES, ids=[str(i) for i in range(len(INDICES))])
def test_getitem(idx):
    x = np.random.default_rng(3).standard_normal((3, 3))
    assert c6.check_grad(lambda x: x[idx], x) < TOL
    check_second_order(weighted(lambda x: c6.exp(x[idx])), (x,))


def test_repeated_indices_add_up():
    g = c6.grad(lambda x: c6.sum(x[np.array([0, 0, 0, 2])]))(np.zeros(3))
    np.testing.assert_array_equal(g, [3, 0, 1])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack(axis):
    rng = np.random.default_rng(4)
    a, b, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    assert c6.check_grad(lambda a, b, c: c6.stack([a, b, c], axis=axis), a, b, c) < TOL
    b2 = rng.standard_normal((2, 1)) if axis != 0 else rng.standard_normal((1, 3))
    assert c6.check_grad(lambda a, b: c6.concatenate([a, b], axis=axis), a, b2) < TOL
    check_second_order(weighted(lambda a, b: c6.concatenate([a * b, b * b], axis=axis)), (a, b))
    # only one input carries a tangent: the others count as zeros
    out, t = c6.jvp(lambda a: c6.stack([a, b], axis=axis), (a,), (np.ones_like(a),))
    np.testing.assert_array_equal(t, np.stack([np.ones_like(a), np.zeros_like(b)], axis))


# -- every primitive is covered ---------------------------------------------------------------
NONDIFF = {"greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
           "argmax", "argmin", "round", "floor", "ceil", "sign"}
COVERED = ({u[0] for u in UNARY} | {b[0] for b in BINARY} | {r[0] for r in REDUCTIONS}
           | {"where", "matmul", "affine", "log_softmax", "softmax", "reshape",
              "transpose", "broadcast_to", "getitem", "untake", "concatenate", "stack"})


def test_every_primitive_is_tested():
    declared = set(c6.OPS)
    differentiable = {n for n, op in c6.OPS.items() if op.differentiable}
    assert differentiable | NONDIFF == declared
    missing = differentiable - COVERED - {"square"}
    assert not missing, "untested primitives: %s" % sorted(missing)
    assert all(not c6.OPS[n].differentiable for n in NONDIFF)
