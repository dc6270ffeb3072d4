"""Figure functions, tested on the data they draw (not only that they run)."""
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Circle, FancyArrowPatch

from ch6lib import intro, plots, xor


def scatter_offsets(ax):
    return np.concatenate([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])


def image(ax):
    return next(a for a in ax.get_children() if isinstance(a, AxesImage)).get_array()


def test_deep_nets_linear_stays_linear_relu_bends():
    fig = plots.deep_nets_1d(depth=4, width=6, seed=2)
    assert isinstance(fig, Figure)
    lin, rel = fig.axes[:2]
    x, y = lin.lines[0].get_data()
    assert intro.linear_pieces(x, y) == 1
    assert np.allclose(np.diff(y, 2), 0, atol=1e-9)
    x, y = rel.lines[0].get_data()
    n = intro.linear_pieces(x, y)
    assert n > 1 and ("%d linear pieces" % n) in rel.get_title()
    net = intro.random_net_1d(4, 6, "relu", 2)
    np.testing.assert_allclose(y, net(x[:, None]).value[:, 0])


def test_xor_spaces_is_figure_6_1():
    fig = plots.xor_spaces()
    ax0, ax1 = fig.axes
    np.testing.assert_array_equal(np.sort(scatter_offsets(ax0), axis=0), np.sort(xor.X, axis=0))
    h = scatter_offsets(ax1)
    want = np.array([[0, 0], [2, 1], [1, 0], [1, 0]])       # class 0 first, then class 1
    np.testing.assert_array_equal(h, want)
    notes = [t.get_text() for t in ax1.texts]
    assert notes == ["x = [0 1] and [1 0]"]
    # the dashed line is where the output equals 1/2: h1 - 2 h2 = 1/2
    hx, hy = ax1.lines[0].get_data()
    np.testing.assert_allclose(hx - 2 * hy, 0.5)


def test_xor_explorer_draws_the_networks_output():
    params = dict(W11=1, W12=2, W21=3, W22=4, c1=0, c2=-1, w1=1, w2=-2, b=0.5)
    fig = plots.xor_explorer(**params)
    surface = image(fig.axes[2])
    U, V = np.meshgrid(plots.GRID, plots.GRID)
    _, want = xor.forward(np.array([[1, 2], [3, 4]]), np.array([0, -1]), np.array([1, -2]), 0.5,
                          X=np.stack([U.ravel(), V.ravel()], 1))
    np.testing.assert_allclose(surface, want.reshape(U.shape))
    _, out = xor.forward(np.array([[1, 2], [3, 4]]), np.array([0, -1]), np.array([1, -2]), 0.5)
    assert "MSE = %.4f" % np.mean((out - xor.Y) ** 2) in fig._suptitle.get_text()


def test_xor_input_space_shows_the_linear_models_constant_answer():
    fig = plots.xor_input_space()
    np.testing.assert_allclose(image(fig.axes[0]), 0.5)


def test_relu_and_network_diagram():
    ax = plots.relu().axes[0]
    z, g = ax.lines[0].get_data()
    np.testing.assert_array_equal(g, np.maximum(z, 0))
    fig = plots.xor_network_diagram()
    left, right = fig.axes
    count = lambda ax, kind: sum(isinstance(p, kind) for p in ax.patches)
    assert (count(left, Circle), count(left, FancyArrowPatch)) == (5, 6)
    assert (count(right, Circle), count(right, FancyArrowPatch)) == (3, 2)


def test_xor_training_and_seed_study():
    run = xor.train([1, 2], lr=0.1, steps=50, record_path=True)
    fig = plots.xor_training(run, k=1, step=20)
    ax0, ax1 = fig.axes[:2]
    np.testing.assert_array_equal(ax0.lines[0].get_ydata(), run.losses[:, 1])
    assert ax0.lines[1].get_xdata()[0] == 20
    p = run.network(1, 20)
    U, V = np.meshgrid(plots.GRID, plots.GRID)
    _, want = xor.forward(p["W"], p["c"], p["w"], p["b"], X=np.stack([U.ravel(), V.ravel()], 1))
    np.testing.assert_allclose(image(ax1), want.reshape(U.shape))

    cats = ["solved", "stuck", "solved", "linear"]
    fake = xor.TrainResult(seeds=[0, 1, 2, 3], params={}, losses=np.ones((5, 4)))
    bars = plots.xor_seed_study(fake, cats).axes[1].patches
    widths = {b.get_y() + b.get_height() / 2: b.get_width() for b in bars}
    assert sorted(widths.values()) == [0, 0, 1, 1, 2]


def test_rbf_and_feature_figures_show_their_experiments():
    fig = plots.rbf_fits(gammas=(1.0, 30.0))
    rows = intro.rbf_experiment(gammas=(1.0, 30.0))["rows"]
    for ax, row in zip(fig.axes, rows):
        assert "train %.3f, test %.3f" % (row["train"], row["test"]) in ax.get_title()
    from ch6lib.datasets import circles
    fig = plots.feature_maps()
    Xr, yr = circles()
    got = scatter_offsets(fig.axes[1])
    np.testing.assert_allclose(np.sort(got, axis=0), np.sort(Xr ** 2, axis=0))


@pytest.mark.parametrize("fn", [plots.deep_nets_1d, plots.xor_explorer, plots.relu])
def test_figures_are_pure(fn):
    """Calling a figure function twice gives two independent, identical figures."""
    a, b = fn(), fn()
    assert a is not b
    for ax_a, ax_b in zip(a.axes, b.axes):
        for la, lb in zip(ax_a.lines, ax_b.lines):
            np.testing.assert_array_equal(la.get_ydata(), lb.get_ydata())
