"""The computations behind sections 6 and 6.1, the datasets and the chapter map."""
import numpy as np
import pytest

import ch6lib as c6
from ch6lib import chapters, datasets, intro, xor


# -- section 6 ---------------------------------------------------------------------
def test_collapse_equals_the_stack():
    rng = np.random.default_rng(0)
    layers = [(rng.standard_normal((3, 5)), rng.standard_normal(5)),
              (rng.standard_normal((5, 2)), rng.standard_normal(2))]
    W, b = intro.collapse(layers)
    x = rng.standard_normal((7, 3))
    np.testing.assert_allclose(x @ W + b, (x @ layers[0][0] + layers[0][1]) @ layers[1][0] + layers[1][1])


def test_linear_pieces_counts_kinks():
    x = np.linspace(-3, 3, 6001)
    assert intro.linear_pieces(x, 2 * x + 1) == 1
    assert intro.linear_pieces(x, np.abs(x)) == 2
    assert intro.linear_pieces(x, np.abs(x - 1) + np.maximum(0, x + 2)) == 3
    assert intro.linear_pieces(x, np.abs(np.abs(x) - 1)) == 4


def test_kernel_ridge_and_the_rbf_story():
    x = np.array([-1.0, 0.0, 2.0])
    f = intro.kernel_ridge(x, np.array([1.0, -1.0, 0.5]), gamma=5.0, lam=1e-12)
    np.testing.assert_allclose(f(x), [1.0, -1.0, 0.5], atol=1e-9)     # interpolates
    assert abs(f(np.array([50.0]))[0]) < 1e-12                          # forgets far away
    rows = intro.rbf_experiment(gammas=(0.3, 300.0))["rows"]
    assert rows[1]["train"] < rows[0]["train"] and rows[1]["test"] > rows[0]["test"]


def test_logistic_regression_separates_separable_data():
    X, y = datasets.circles(n=100)
    assert intro.logistic_regression(X ** 2, y)[2] == 1.0
    assert intro.logistic_regression(X, y)[2] < 0.7


def test_random_nets_and_exercise_layers_are_seeded():
    a = intro.random_net_1d(3, 4, "relu", seed=5)(np.ones((1, 1))).value
    b = intro.random_net_1d(3, 4, "relu", seed=5)(np.ones((1, 1))).value
    assert a == b
    layers = intro.exercise_layers()
    assert [W.shape for W, _ in layers] == [(3, 4), (4, 2), (2, 2)]
    assert not any(np.any((a == 0) & np.signbit(a)) for W, b in layers for a in (W, b))


# -- section 6.1 -------------------------------------------------------------------
def test_xor_linear_model_and_book_solution():
    w, b = xor.normal_equations()
    np.testing.assert_allclose(w, 0, atol=1e-12)
    assert b == pytest.approx(0.5)
    s = xor.BOOK_SOLUTION
    h, out = xor.forward(s["W"], s["c"], s["w"], s["b"])
    np.testing.assert_array_equal(out, [0, 1, 1, 0])
    assert xor.mse(c6.Tensor(out)).value == 0.0


def test_xor_training_is_seeded_and_uses_correct_gradients():
    a = xor.train([4, 9], lr=0.1, steps=30)
    b = xor.train([4, 9], lr=0.1, steps=30)
    np.testing.assert_array_equal(a.losses, b.losses)
    # one step of the vectorised trainer = one step of plain gradient descent
    one = xor.train([9], lr=0.1, steps=1, record_path=True)
    p0 = xor.init(9)
    loss = lambda W, c, w, b: xor.mse(xor.forward(W, c, w, b)[1])
    g = c6.grad(loss, (0, 1, 2, 3))(p0["W"], p0["c"], p0["w"], p0["b"])
    for name, grad in zip("Wcwb", g):
        np.testing.assert_allclose(one.params[name][0], np.asarray(p0[name]) - 0.1 * grad)
    assert one.losses[0, 0] == pytest.approx(float(loss(p0["W"], p0["c"], p0["w"], p0["b"])))


def test_classify_recognises_each_failure():
    def params(W, c, w, b):
        return dict(W=np.array([W], float), c=np.array([c], float),
                    w=np.array([w], float), b=np.array([b], float))
    cases = [
        (params([[1, 1], [1, 1]], [0, -1], [1, -2], 0), 0.0, "solved"),
        (params([[-1, -1], [-1, -1]], [-1, -1], [1, 1], 0.5), 0.25, "both units dead"),
        (params([[1, 1], [1, 1]], [1, 1], [1, 1], 0), 0.25, "linear"),
        (params([[-1, 1], [-1, 1]], [-1, -1.5], [1, 1], 0), 1 / 6, "one dead unit"),
        (params([[1, 1], [0, 0]], [-0.5, -0.5], [1, 1], 0.5), 0.125, "stuck"),
    ]
    for p, loss, want in cases:
        assert xor.classify(p, np.array([loss])) == [want]


def test_xor_failure_categories_over_100_seeds():
    runs = xor.train(range(100), lr=0.1, steps=2000)
    cats = xor.classify(runs.params, runs.final)
    solved = runs.final < 1e-3
    assert [c == "solved" for c in cats] == list(solved)
    for cat, levels in [("both units dead", [0.25]), ("linear", [0.25]), ("one dead unit", [1 / 6])]:
        for k in [i for i, c in enumerate(cats) if c == cat]:
            assert min(abs(runs.final[k] - v) for v in levels) < 1e-6, (cat, runs.final[k])


def test_single_unit_optimum_is_one_sixth():
    best, p = xor.single_unit_search(starts=50, steps=800)
    assert best == pytest.approx(1 / 6, abs=1e-8)
    out = p["w"] * np.maximum(0, xor.X @ p["u"] + p["c"]) + p["b"]
    assert np.mean((out - xor.Y) ** 2) == pytest.approx(best)


# -- datasets and the chapter map -------------------------------------------------------
def test_datasets():
    X, y = datasets.xor()
    assert X.shape == (4, 2) and list(y) == [0, 1, 1, 0]
    x, t = datasets.sine(n=20, seed=1)
    assert np.all(np.diff(x) >= 0) and t.shape == (20,)
    for X, y in (datasets.circles(n=40), datasets.xor_blobs(n=40)):
        assert X.shape == (40, 2) and set(np.unique(y)) == {0.0, 1.0} and y.mean() == 0.5


def test_chapter_map():
    assert len(chapters.CHAPTERS) == 25
    assert len({stem for _, _, stem in chapters.CHAPTERS}) == 25
    table = chapters.markdown_table(prefix="nb/")
    assert "| 6.1 | Example: Learning XOR | [01_learning_xor.ipynb](nb/01_learning_xor.ipynb) |" in table
    assert "| 6.5.10 | Higher-Order Derivatives |" in table
    assert set(chapters.existing()) >= {"00_deep_feedforward_networks", "01_learning_xor"}
