"""ch6lib.nn: layers, losses, SGD, fit."""
import io

import numpy as np
import pytest

import ch6lib as c6
from ch6lib import nn
from ch6lib.progress import progress

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def test_affine_and_mlp_shapes_and_values():
    net = nn.MLP([2, 3, 4, 1], activation="tanh", seed=0)
    assert [p.shape for p in net.parameters()] == [(2, 3), (3,), (3, 4), (4,), (4, 1), (1,)]
    x = np.random.default_rng(0).standard_normal((5, 2))
    h = x
    for k, layer in enumerate(net.layers):
        h = h @ layer.W.value + layer.b.value
        if k < 2:
            h = np.tanh(h)
    np.testing.assert_allclose(net(x).value, h)
    assert [t.shape for t in net.hidden(x)] == [(5, 3), (5, 4)]
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP([2, 1], activation="swish")


def test_mlp_learns_xor_from_a_good_initialisation():
    net = nn.MLP([2, 2, 1], activation="relu", seed=0)
    rng = np.random.default_rng(1)
    # the book's exact solution (section 6.1), disturbed
    for p, v in zip(net.parameters(), [np.ones((2, 2)), np.array([0.0, -1.0]),
                                        np.array([[1.0], [-2.0]]), np.zeros(1)]):
        p.value[...] = v + 0.1 * rng.standard_normal(v.shape)
    start = nn.mse(net(XOR_X), XOR_Y).value
    history = nn.fit(net, nn.mse, XOR_X, XOR_Y, steps=500, lr=0.1)
    assert history[0] == pytest.approx(start)
    assert history[-1] < 1e-8 < start
    np.testing.assert_allclose(net(XOR_X).value, XOR_Y, atol=1e-4)


def test_losses_match_their_formulas():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((6, 3))
    labels = rng.integers(0, 3, 6)
    onehot = np.eye(3)[labels]
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    want = -np.mean(logp[np.arange(6), labels])
    assert nn.softmax_cross_entropy(c6.Tensor(z), labels).value == pytest.approx(want)
    assert nn.softmax_cross_entropy(c6.Tensor(z), onehot).value == pytest.approx(want)
    g = c6.grad(lambda z: nn.softmax_cross_entropy(z, labels))(z)
    np.testing.assert_allclose(g, (np.exp(logp) - onehot) / 6)
    zz, y = rng.standard_normal(5), rng.integers(0, 2, 5).astype(float)
    s = 1 / (1 + np.exp(-zz))
    want = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
    assert nn.binary_cross_entropy_with_logits(c6.Tensor(zz), y).value == pytest.approx(want)
    assert nn.mse(c6.Tensor(zz), y).value == pytest.approx(np.mean((zz - y) ** 2))


def test_losses_refuse_silent_broadcasting():
    with pytest.raises(c6.ShapeError, match=r"predictions have shape \(4, 1\) but targets have shape \(4,\)"):
        nn.mse(c6.Tensor(np.zeros((4, 1))), np.zeros(4))
    with pytest.raises(c6.ShapeError, match="integer labels of shape"):
        nn.softmax_cross_entropy(c6.Tensor(np.zeros((4, 3))), np.zeros((4, 1), dtype=int))
    with pytest.raises(ValueError, match="labels must lie in"):
        nn.softmax_cross_entropy(c6.Tensor(np.zeros((2, 3))), np.array([0, 3]))


def test_sgd_momentum_and_weight_decay_follow_the_update_rule():
    p = c6.Tensor([1.0, -2.0], requires_grad=True)
    opt = nn.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    p.grad = np.array([0.5, 0.5])
    opt.step()
    v1 = -0.1 * (np.array([0.5, 0.5]) + 0.01 * np.array([1.0, -2.0]))
    np.testing.assert_allclose(p.value, [1.0, -2.0] + v1)
    before = p.value.copy()
    opt.step()
    v2 = 0.9 * v1 - 0.1 * (np.array([0.5, 0.5]) + 0.01 * before)
    np.testing.assert_allclose(p.value, before + v2)


def test_fit_minibatches_callback_and_progress(capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]])
    net = nn.MLP([3, 1], activation="linear", seed=0)
    seen = []
    hist = nn.fit(net, nn.mse, X, y, steps=200, lr=0.1, batch_size=8, progress="linreg",
                  callback=lambda step, model, loss: seen.append(step))
    assert seen == list(range(200)) and len(hist) == 200
    assert hist[-1] < 1e-6
    np.testing.assert_allclose(net.layers[0].W.value, [[1.0], [-2.0], [0.5]], atol=1e-3)
    err = capsys.readouterr().err
    assert err.rstrip().endswith("linreg 100% |" + "#" * 30 + "| 200/200")


def test_progress_bar_is_deterministic():
    out = io.StringIO()
    assert list(progress(range(4), desc="t", width=4, file=out)) == [0, 1, 2, 3]
    assert out.getvalue() == ("\rt   0% |    | 0/4\rt  25% |#   | 1/4\rt  50% |##  | 2/4"
                              "\rt  75% |### | 3/4\rt 100% |####| 4/4\n")
