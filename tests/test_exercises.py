"""Exercise checkers: right answers pass, typical mistakes get a specific hint."""
import numpy as np

from ch6lib import exercises as ex
from ch6lib import intro, xor


def test_verdict_reads_well():
    good, bad = ex.Verdict(True, "fine."), ex.Verdict(False, "off.", "try this.")
    assert bool(good) and not bad
    assert repr(good) == "✔ Correct. fine."
    assert repr(bad) == "✘ Not yet. off.\n  Hint: try this."


def test_unanswered_placeholders():
    for verdict in (ex.check_collapse(..., ...), ex.check_parameter_count(...),
                    ex.check_linear_activations(...), ex.check_xor_hidden(...),
                    ex.check_xor_solution(..., ..., ..., ...), ex.check_one_hidden_unit(..., ...)):
        assert not verdict and "placeholders" in verdict.message


def test_check_collapse():
    layers = intro.exercise_layers()
    (W1, b1), (W2, b2), (W3, b3) = layers
    W, b = W1 @ W2 @ W3, (b1 @ W2 + b2) @ W3 + b3
    assert ex.check_collapse(W, b)
    v = ex.check_collapse(W, b3)
    assert not v and "b1 and b2" in v.message and "(b1 W2 + b2) W3 + b3" in v.hint
    assert "leaves out the contribution of b1." in ex.check_collapse(W, b2 @ W3 + b3).message
    v = ex.check_collapse(W.T, b)
    assert not v and "shape (2, 3)" in v.message
    assert not ex.check_collapse(W1 @ W2 @ W3 + 1, b)


def test_check_parameter_count():
    assert ex.check_parameter_count(269322)
    assert "bias" in ex.check_parameter_count(268800).hint
    assert "input units" in ex.check_parameter_count(269322 + 784).message
    assert not ex.check_parameter_count(1)


def test_check_linear_activations():
    assert ex.check_linear_activations({"b", "d"})
    v = ex.check_linear_activations({"d"})
    assert not v and "identity in disguise" in v.message
    v = ex.check_linear_activations({"a", "b", "d"})
    assert not v and "a is in your set" in v.message
    assert "Unknown" in ex.check_linear_activations({"z"}).message


def test_check_xor_hidden():
    assert ex.check_xor_hidden([[0, 0], [1, 0], [1, 0], [2, 1]])
    assert "ReLU" in ex.check_xor_hidden([[0, -1], [1, 0], [1, 0], [2, 1]]).hint
    assert "without the bias" in ex.check_xor_hidden([[0, 0], [1, 1], [1, 1], [2, 2]]).message
    v = ex.check_xor_hidden([[0, 0], [1, 0], [1, 0], [2, 2]])
    assert not v and "rows [3]" in v.message
    assert "shape" in ex.check_xor_hidden([1, 2]).message


def test_check_xor_solution():
    s = xor.BOOK_SOLUTION
    v = ex.check_xor_solution(s["W"], s["c"], s["w"], s["b"])
    assert not v and "book's solution" in v.message
    swapped = ex.check_xor_solution(s["W"][:, ::-1], s["c"][::-1], s["w"][::-1], 0)
    assert swapped
    v = ex.check_xor_solution([[1, 2], [3, 4]], s["c"], s["w"], 0)
    assert not v and "[0.0, -3.0, -1.0, -6.0]" in v.message


def test_check_one_hidden_unit():
    assert ex.check_one_hidden_unit(False, 1 / 6)
    v = ex.check_one_hidden_unit(True, 1 / 6)
    assert not v and "monotone" in v.message
    v = ex.check_one_hidden_unit(False, 0.25)
    assert not v and "mean target 2/3" in v.hint
