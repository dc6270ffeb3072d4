"""The engine around the primitives: back-propagation itself, the function
transformations, error messages, numerical stability, dtypes."""
import re
import sys

import numpy as np
import pytest

import ch6lib as c6
from ch6lib.ops import defop


# -- back-propagation (Algorithms 6.5 / 6.6) -----------------------------------------
def test_object_style_backward_sets_leaf_grads():
    x = c6.Tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = c6.Tensor([[0.5], [0.25], [-1.0]], requires_grad=True)
    loss = c6.sum(c6.tanh(x @ w) ** 2)
    loss.backward()
    s = np.tanh(x.value @ w.value)
    dz = 2 * s * (1 - s ** 2)
    np.testing.assert_allclose(x.grad, w.value[:, 0] * dz)
    np.testing.assert_allclose(w.grad, np.outer(x.value, dz))
    # a second backward replaces .grad instead of adding to it
    c6.sum(3 * x).backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0, 3.0])


def test_backward_of_a_vector_needs_G():
    x = c6.Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        y.backward()
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 40.0])


def test_fan_out_accumulates_in_one_buffer():
    # x feeds five consumers; their contributions must all be summed
    f = lambda x: c6.sum(x * x + c6.sin(x) + x + 2 * x + x / 3)
    x = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(c6.grad(f)(x), 2 * x + np.cos(x) + 1 + 2 + 1 / 3)
    # a diamond: two paths from x to z meet again
    g = lambda x: c6.sum(c6.exp(x) * c6.exp(x) + c6.exp(x))
    np.testing.assert_allclose(c6.grad(g)(x), 2 * np.exp(2 * x) + np.exp(x))


def test_shared_gradients_are_not_aliased():
    x = c6.Tensor([1.0, 2.0], requires_grad=True)
    y = c6.Tensor([3.0, 4.0], requires_grad=True)
    c6.sum(x + y).backward()          # both leaves receive the same upstream array
    x.grad *= 100
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    z = c6.Tensor([1.0, 2.0], requires_grad=True)
    c6.sum(z).backward()              # the gradient of a sum is a broadcast view...
    z.grad[0] = 5.0                   # ...but the user gets a writable array of their own
    assert z.grad.flags.writeable


def test_a_5000_op_chain_needs_no_recursion():
    limit = sys.getrecursionlimit()

    def f(x):
        for _ in range(5000):
            x = x * 1.0001 + 0.0
        return c6.sum(x)
    np.testing.assert_allclose(c6.grad(f)(np.ones(2)), 1.0001 ** 5000 * np.ones(2))
    np.testing.assert_allclose(c6.hvp(lambda x: f(x) ** 2)(np.ones(2), np.ones(2)),
                               4 * 1.0001 ** 10000 * np.ones(2))
    assert sys.getrecursionlimit() == limit


def test_build_grad_prunes_to_the_targets():
    a = c6.Tensor(2.0, requires_grad=True)
    b = c6.Tensor(3.0, requires_grad=True)
    z = a * a + b * b
    table = c6.build_grad(z, [a])
    assert list(table) == [id(a)] and float(table[id(a)][1]) == 4.0


def test_consumers_and_inputs_as_in_the_book():
    x = c6.Tensor([1.0, 2.0], requires_grad=True)
    u = c6.exp(x)
    v = u * x
    z = c6.sum(v + u)
    table = c6.backprop.consumers(z)
    assert [c.op.name for c in table[x]] == ["exp", "multiply"]
    assert sorted(c.op.name for c in table[u]) == ["add", "multiply"]
    assert table[z] == [] and v.inputs == (u, x) and v.op is c6.OPS["multiply"]


def test_bprop_matches_the_books_signature():
    # op.bprop(inputs, X, G): gradient w.r.t. one input, given G for the output
    x, y = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    G = np.array([1.0, -1.0])
    op = c6.OPS["multiply"]
    np.testing.assert_array_equal(op.bprop((x, y), 0, G, x * y), G * y)
    np.testing.assert_array_equal(op.bprop((x, y), 1, G, x * y), G * x)


# -- functional transformations -------------------------------------------------------
def test_grad_argnums_and_value_and_grad():
    f = lambda x, y, s=1.0: s * c6.sum(x * y ** 2)
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gx, gy = c6.grad(f, (0, 1))(x, y, s=2.0)
    np.testing.assert_array_equal(gx, 2 * y ** 2)
    np.testing.assert_array_equal(gy, 4 * x * y)
    value, g = c6.value_and_grad(f, 1)(x, y)
    assert value == pytest.approx(41.0) and g.shape == (2,)
    np.testing.assert_array_equal(c6.grad(f, -1)(x, y), 2 * x * y)


def test_grad_inputs_floats_ints_and_tensors():
    g = c6.grad(lambda x: x ** 3)
    for x in (2, 2.0, np.int64(2), np.array(2), c6.Tensor(2.0)):
        out = g(x)
        assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == ()
        assert float(out) == 12.0
    out = c6.grad(lambda x: c6.sum(x * x))(np.arange(3))     # integers: cast, not truncated
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])
    assert out.dtype == np.float64
    with pytest.raises(TypeError, match="complex"):
        c6.grad(lambda x: x)(np.array(1 + 2j))


def test_independent_argument_gets_zero_gradient():
    gx, gy = c6.grad(lambda x, y: c6.sum(x * 2), (0, 1))(np.ones(2), np.ones(3))
    np.testing.assert_array_equal(gy, np.zeros(3))


def test_second_derivatives_by_nesting_grad():
    f = lambda x: c6.sum(c6.sin(x) * x)
    d2 = c6.grad(lambda x: c6.sum(c6.grad(f)(x)))
    x = np.array([0.3, 1.1, -2.0])
    np.testing.assert_allclose(d2(x), 2 * np.cos(x) - x * np.sin(x))
    # third derivative of a scalar function
    d3 = c6.grad(c6.grad(c6.grad(lambda x: x ** 4)))
    assert float(d3(1.5)) == pytest.approx(24 * 1.5)


def test_no_perturbation_confusion():
    # d/dx [ x * d/dy (x + y) ] = 1: the inner derivative must not see x
    inner = lambda x: c6.grad(lambda y: x + y)(1.0)
    assert float(c6.grad(lambda x: x * inner(x))(2.0)) == 1.0


def test_vjp_and_jvp_agree_with_the_jacobian():
    A = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    f = lambda x: c6.tanh(A @ x)
    x = np.array([0.1, 0.2, -0.3])
    J = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    out, vjp_fn = c6.vjp(f, x)
    np.testing.assert_allclose(out, np.tanh(A @ x))
    u = np.array([1.0, -2.0])
    np.testing.assert_allclose(vjp_fn(u)[0], u @ J)
    np.testing.assert_allclose(vjp_fn(2 * u)[0], 2 * u @ J)     # reusable
    v = np.array([0.5, 1.0, 2.0])
    out2, t = c6.jvp(f, (x,), (v,))
    np.testing.assert_allclose(t, J @ v)


def test_jvp_is_one_forward_pass():
    calls = []
    from ch6lib import backprop
    original = backprop.build_grad
    backprop.build_grad = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        c6.jvp(lambda x: c6.sum(c6.exp(x)), (np.ones(3),), (np.ones(3),))
    finally:
        backprop.build_grad = original
    assert calls == []


def test_hvp_modes_and_hessian():
    f = lambda x: c6.exp(x[0] * x[1]) + c6.sum(x ** 3)
    x, v = np.array([0.3, -0.7]), np.array([1.0, 2.0])
    a, b = x
    H = np.array([[b * b * np.exp(a * b) + 6 * a, (1 + a * b) * np.exp(a * b)],
                  [(1 + a * b) * np.exp(a * b), a * a * np.exp(a * b) + 6 * b]])
    np.testing.assert_allclose(c6.hessian(f)(x), H)
    for mode in ("reverse-over-forward", "reverse-over-reverse", "forward-over-reverse"):
        np.testing.assert_allclose(c6.hvp(f, mode)(x, v), H @ v)
    # tuples of arrays
    g = lambda p: c6.sum(p[0] ** 2 * p[1])
    hv = c6.hvp(g)((np.array([1.0, 2.0]), np.array([3.0, 4.0])),
                   (np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    np.testing.assert_allclose(hv[0], [6.0, 4.0])
    np.testing.assert_allclose(hv[1], [2.0, 0.0])     # d2g/db da = 2a


def test_hvp_of_a_network_matches_finite_differences():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3)), rng.integers(0, 4, 8)
    params = (rng.standard_normal((3, 5)), rng.standard_normal(5),
              rng.standard_normal((5, 4)), rng.standard_normal(4))
    v = tuple(rng.standard_normal(p.shape) for p in params)

    def loss(p):
        h = c6.tanh(c6.affine(X, p[0], p[1]))
        return c6.nn.softmax_cross_entropy(c6.affine(h, p[2], p[3]), y)
    grad = c6.grad(lambda *p: loss(p), (0, 1, 2, 3))
    eps = 1e-5
    up = grad(*[p + eps * d for p, d in zip(params, v)])
    down = grad(*[p - eps * d for p, d in zip(params, v)])
    for got, a, b in zip(c6.hvp(loss)(params, v), up, down):
        np.testing.assert_allclose(got, (a - b) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_grad_of_jvp_and_jvp_of_grad():
    f = lambda x: c6.sum(c6.sin(x) ** 2)
    x, v = np.array([0.4, 1.3]), np.array([1.0, -1.0])
    H = np.diag(2 * np.cos(2 * x))
    rev_fwd = c6.grad(lambda x: c6.jvp(f, (x,), (v,))[1])(x)
    fwd_rev = c6.jvp(c6.grad(f), (x,), (v,))[1]
    np.testing.assert_allclose(rev_fwd, H @ v)
    np.testing.assert_allclose(fwd_rev, H @ v)


def test_check_grad_passes_good_rules_and_names_a_bad_one():
    assert c6.check_grad(lambda x, y: c6.sum(x * c6.exp(y)), np.ones(3), np.zeros(3)) < 1e-8
    bad = defop("bad_sin", np.sin, vjp=lambda g, ans, x: g * np.cos(x) * (np.arange(x.size) != 2),
                jvp=lambda t, ans, x: t * np.cos(x))
    try:
        res = c6.check_grad(lambda x: c6.sum(bad.bind(x)), np.array([0.1, 0.2, 0.3, 0.4]))
        assert res > 0.5
        assert res.argnum == 0 and res.index == (2,)
        assert res.reverse == 0.0
        assert res.forward == pytest.approx(np.cos(0.3))
        assert "argument 0 index (2,)" in repr(res)
    finally:
        del c6.OPS["bad_sin"]


# -- errors ---------------------------------------------------------------------------
def test_matmul_shape_error_names_op_and_shapes():
    with pytest.raises(c6.ShapeError, match=re.escape("matmul: cannot multiply (2, 3) by (2, 3)")):
        c6.matmul(c6.Tensor(np.ones((2, 3))), np.ones((2, 3)))
    with pytest.raises(c6.ShapeError, match=re.escape("matmul: cannot multiply (2, 3) by (2, 3)")):
        c6.Tensor(np.ones((2, 3))) @ c6.Tensor(np.ones((2, 3)))


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(c6.ShapeError, match=re.escape("add: shapes (2, 3) and (4,) cannot be broadcast")):
        c6.Tensor(np.ones((2, 3))) + np.ones(4)
    with pytest.raises(c6.ShapeError, match=re.escape("reshape: cannot reshape (2, 3) into (4,)")):
        c6.reshape(c6.Tensor(np.ones((2, 3))), (4,))
    with pytest.raises(c6.ShapeError, match="sum: axis 2 is out of bounds"):
        c6.sum(c6.Tensor(np.ones((2, 3))), axis=2)


def test_grad_needs_a_scalar_output():
    with pytest.raises(ValueError, match=re.escape("must return a scalar, but it returned an array of shape (3,)")):
        c6.grad(lambda x: x * 2)(np.ones(3))


@pytest.mark.parametrize("fn,name", [
    (lambda x: c6.sum(x > 0), "greater"),
    (lambda x: c6.sum(c6.Tensor(1.0) * (x <= 1.0)), "less_equal"),
    (lambda x: c6.sum(c6.round(x) * 2), "round"),
    (lambda x: c6.sum(c6.floor(x)), "floor"),
    (lambda x: c6.argmax(x) * 1.0, "argmax"),
    (lambda x: c6.sum(c6.sign(x) ** 2), "sign"),
])
def test_gradient_through_a_nondifferentiable_op_is_reported(fn, name):
    with pytest.raises(c6.NonDifferentiableError, match="'%s'" % name):
        c6.grad(fn)(np.array([0.5, 1.5]))
    with pytest.raises(c6.NonDifferentiableError, match="'%s'" % name):
        c6.jvp(fn, (np.array([0.5, 1.5]),), (np.ones(2),))
    t = c6.Tensor([0.5, 1.5], requires_grad=True)
    with pytest.raises(c6.NonDifferentiableError, match="'%s'" % name):
        fn(t).backward()


def test_one_argument_through_a_nondifferentiable_op_is_reported():
    f = lambda x, y: c6.sum(x * (y > 0))
    gx = c6.grad(f, 0)(np.ones(2), np.ones(2))
    np.testing.assert_array_equal(gx, [1.0, 1.0])        # a mask is a constant: fine
    with pytest.raises(c6.NonDifferentiableError, match="argument 1 .*'greater'"):
        c6.grad(f, (0, 1))(np.ones(2), np.ones(2))


def test_a_wrong_rule_shape_is_caught_and_names_the_op():
    bad = defop("bad_shape", lambda x: 2 * x, vjp=lambda g, ans, x: g.T)
    try:
        x = c6.Tensor(np.ones((2, 3)), requires_grad=True)
        with pytest.raises(c6.GradientShapeError, match=re.escape(
                "bad_shape.bprop for input 0: gradient of shape (3, 2) does not fit the input's shape (2, 3)")):
            c6.sum(bad.bind(x)).backward()
    finally:
        del c6.OPS["bad_shape"]


def test_transform_argument_errors():
    with pytest.raises(c6.ShapeError, match=r"tangent 0 has shape \(2,\) but primal 0 has shape \(3,\)"):
        c6.jvp(c6.exp, (np.ones(3),), (np.ones(2),))
    with pytest.raises(TypeError, match="must be tuples"):
        c6.jvp(c6.exp, np.ones(3), np.ones(3))
    with pytest.raises(NotImplementedError, match="jvp of jvp"):
        c6.jvp(lambda x: c6.jvp(c6.exp, (x,), (x,))[1], (np.ones(2),), (np.ones(2),))
    _, vjp_fn = c6.vjp(c6.exp, np.ones(3))
    with pytest.raises(c6.ShapeError, match=r"cotangent has shape \(2,\) but the output has shape \(3,\)"):
        vjp_fn(np.ones(2))
    with pytest.raises(c6.ShapeError, match=r"v has shape \(2,\) but x has shape \(3,\)"):
        c6.hvp(lambda x: c6.sum(x))(np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="argnums=3"):
        c6.grad(lambda x: x, 3)(1.0)


def test_numpy_functions_refuse_tensors_instead_of_dropping_the_graph():
    t = c6.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="c6.mean"):
        np.mean(t)
    with pytest.raises(TypeError):
        np.exp(t)
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])     # reading the value is fine


# -- numerical stability -----------------------------------------------------------
BIG = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])


def test_sigmoid_softplus_tanh_at_1000():
    for fn, want, dwant in [
        (c6.sigmoid, [0.0, 4.248354255291589e-18, 0.5, 1.0, 1.0], [0.0, 4.248354255291589e-18, 0.25, 0.0, 0.0]),
        (c6.softplus, [0.0, 4.248354255291589e-18, np.log(2), 40.0, 1000.0], [0.0, 4.248354255291589e-18, 0.5, 1.0, 1.0]),
        (c6.tanh, [-1.0, -1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0, 0.0]),
    ]:
        value, grad = c6.value_and_grad(lambda x: c6.sum(fn(x) * np.array([1, 1, 1, 1, 1.0])))(BIG)
        out = fn(c6.Tensor(BIG)).value
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
        np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(grad, dwant, rtol=1e-9, atol=1e-15)


def test_softmax_family_at_1000():
    x = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 999.0]])
    lse = c6.logsumexp(c6.Tensor(x), axis=1).value
    np.testing.assert_allclose(lse, [1000.0, 1000.0 + np.log(2 + np.exp(-1))])
    ls = c6.log_softmax(c6.Tensor(x)).value
    np.testing.assert_allclose(ls[0], [0.0, -1000.0, -2000.0])
    sm = c6.softmax(c6.Tensor(x)).value
    np.testing.assert_allclose(sm.sum(axis=1), [1.0, 1.0])
    for fn in (lambda x: c6.sum(c6.logsumexp(x, axis=1)), lambda x: c6.sum(c6.log_softmax(x)[:, 0]),
               lambda x: c6.sum(c6.softmax(x)[:, 1])):
        g = c6.grad(fn)(x)
        assert np.all(np.isfinite(g))
        assert c6.check_grad(fn, x, eps=1e-7) < 1e-5
    np.testing.assert_allclose(c6.grad(lambda x: c6.sum(c6.logsumexp(x, axis=1)))(x), sm)


def test_losses_with_logits_at_1000():
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss, g = c6.value_and_grad(lambda z: c6.nn.binary_cross_entropy_with_logits(z, y))(z)
    assert loss == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    np.testing.assert_allclose(g, [0.0, 0.0, 0.25, -0.25])
    logits = np.array([[1000.0, -1000.0], [0.0, 0.0]])
    loss, g = c6.value_and_grad(lambda z: c6.nn.softmax_cross_entropy(z, np.array([1, 0])))(logits)
    assert loss == pytest.approx((2000 + np.log(2)) / 2)
    np.testing.assert_allclose(g, [[0.5, -0.5], [-0.25, 0.25]])


# -- dtypes ------------------------------------------------------------------------
def test_float32_stays_float32():
    x32 = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    f = lambda x: c6.sum(c6.tanh(x) * 2.0 + c6.softplus(x) / 3)
    g = c6.grad(f)(x32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, c6.grad(f)(x32.astype(np.float64)), rtol=1e-6)
    t = c6.Tensor(x32, requires_grad=True)
    y = f(t)
    assert y.dtype == np.float32
    y.backward()
    assert t.grad.dtype == np.float32
    net = c6.nn.MLP([3, 4, 1], dtype=np.float32)
    out = net(x32[None, :])
    assert out.dtype == np.float32
    assert c6.hvp(f)(x32, x32).dtype == np.float32


def test_tensor_construction():
    assert c6.Tensor([1, 2]).dtype == np.float64
    assert c6.Tensor(np.ones(2, np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        c6.Tensor(np.ones(2) * 1j)
    t = c6.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert t.shape == (2, 2) and t.ndim == 2 and t.T.shape == (2, 2) and len(t) == 2
    assert "requires_grad=True" in repr(t)
    assert (t[0] * 2).value.tolist() == [2.0, 4.0]
    rows = list(t)
    assert len(rows) == 2 and rows[1].value.tolist() == [3.0, 4.0]
    with pytest.raises(IndexError, match="getitem"):
        t[5]
    c6.sum(rows[0] * rows[1]).backward()            # iterating keeps the graph
    np.testing.assert_array_equal(t.grad, [[3.0, 4.0], [1.0, 2.0]])
