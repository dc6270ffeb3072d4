"""Exercise checkers.  Each returns a :class:`Verdict`: whether the answer is
right, and if not, what is off and a hint, never just True or False."""
import numpy as np

from . import intro, xor

__all__ = ["Verdict", "check_collapse", "check_parameter_count", "check_linear_activations",
           "check_xor_hidden", "check_xor_solution", "check_one_hidden_unit"]


class Verdict:
    """The result of a checker: ``bool(verdict)`` says right or wrong; printing
    it says why."""

    def __init__(self, ok, message, hint=None):
        self.ok, self.message, self.hint = bool(ok), message, hint

    def __bool__(self):
        return self.ok

    def __repr__(self):
        head = "✔ Correct. " if self.ok else "✘ Not yet. "
        text = head + self.message
        if self.hint and not self.ok:
            text += "\n  Hint: " + self.hint
        return text


def _missing(*values):
    return any(v is None or v is Ellipsis for v in values)


def _array(x, shape, name):
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None, Verdict(False, "%s should be an array of numbers." % name)
    if a.shape != shape:
        return None, Verdict(False, "%s has shape %s; it should have shape %s."
                             % (name, a.shape, shape))
    return a, None


NOT_ANSWERED = "Replace the ... placeholders with your answer and run the cell again."


# -- section 6 ------------------------------------------------------------------------
def check_collapse(W, b, layers=None):
    """The single affine map equal to three stacked affine layers."""
    layers = layers or intro.exercise_layers()
    if _missing(W, b):
        return Verdict(False, NOT_ANSWERED)
    W_true, b_true = intro.collapse(layers)
    W, bad = _array(W, W_true.shape, "W")
    if bad is not None:
        return Verdict(False, bad.message, "one row per input (3) and one column per "
                       "output (2): multiply the layer matrices in the order the layers act.")
    b, bad = _array(b, b_true.shape, "b")
    if bad is not None:
        return bad
    if not np.allclose(W, W_true):
        return Verdict(False, "W is not the product of the three weight matrices.",
                       "a row x goes through x W1, then (x W1) W2, then ((x W1) W2) W3.")
    if not np.allclose(b, b_true):
        (W1, b1), (W2, b2), (W3, b3) = layers
        for partial, missing in ((b3, "b1 and b2"), (b2 @ W3 + b3, "b1"),
                                 (b1 @ W2 @ W3 + b3, "b2")):
            if np.allclose(b, partial):
                return Verdict(False, "W is right, but b leaves out the contribution of "
                               "%s." % missing, "an early bias passes through every later "
                               "layer: b = (b1 W2 + b2) W3 + b3.")
        return Verdict(False, "W is right, b is not.", "b = (b1 W2 + b2) W3 + b3.")
    return Verdict(True, "Three affine layers are one affine layer: x ↦ x W + b with "
                   "W = W1 W2 W3. Depth added nothing.")


def check_parameter_count(answer, sizes=(784, 256, 256, 10)):
    """Number of parameters of an MLP with the given layer sizes."""
    if _missing(answer):
        return Verdict(False, NOT_ANSWERED)
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    if answer == weights + biases:
        return Verdict(True, "%d weights + %d biases = %d parameters."
                       % (weights, biases, weights + biases))
    if answer == weights:
        return Verdict(False, "%d counts the weights only." % answer,
                       "each non-input unit also has a bias.")
    if answer == weights + sum(sizes):
        return Verdict(False, "%d also gives the input units a bias." % answer,
                       "only units that compute something (not the inputs) have a bias.")
    return Verdict(False, "%s is not the number of parameters." % (answer,),
                   "a layer from m to n units has an m × n weight matrix and n biases.")


ACTIVATION_CHOICES = {
    "a": "g(z) = max(0, z)",
    "b": "g(z) = max(0, z) - max(0, -z)",
    "c": "g(z) = |z|",
    "d": "g(z) = 2z + 1",
    "e": "g(z) = tanh(z)",
}
_ACTIVATION_WHY = {
    "a": "ReLU bends at 0, so stacks of it are piecewise linear with many pieces",
    "b": "max(0, z) - max(0, -z) = z for every z: it is the identity in disguise",
    "c": "|z| bends at 0, so it keeps the stack nonlinear",
    "d": "2z + 1 is affine, and affine maps of affine maps are affine",
    "e": "tanh is curved everywhere",
}


def check_linear_activations(answer):
    """Which activations leave a deep network an affine function? (a set of
    letters of ACTIVATION_CHOICES)"""
    if _missing(answer):
        return Verdict(False, NOT_ANSWERED)
    try:
        chosen = {str(a).strip().lower() for a in answer}
    except TypeError:
        return Verdict(False, "Give a set of letters, like {'a', 'c'}.")
    unknown = chosen - set(ACTIVATION_CHOICES)
    if unknown:
        return Verdict(False, "Unknown choices: %s." % ", ".join(sorted(unknown)))
    truth = {"b", "d"}
    if chosen == truth:
        return Verdict(True, "(b) is z itself and (d) is affine; with either, any depth "
                       "collapses to one affine map.")
    wrong = [("%s is in your set, but %s" % (k, _ACTIVATION_WHY[k])) for k in sorted(chosen - truth)]
    missed = [("%s is missing: %s" % (k, _ACTIVATION_WHY[k])) for k in sorted(truth - chosen)]
    return Verdict(False, "; ".join(wrong + missed) + ".",
                   "evaluate each g on a few numbers and check whether g(z) = a z + c.")


# -- section 6.1 -----------------------------------------------------------------------
def check_xor_hidden(h):
    """The hidden representation h = max(0, x W + c) of the four XOR inputs
    under the book's solution, one row per input."""
    if _missing(h):
        return Verdict(False, NOT_ANSWERED)
    truth, _ = xor.forward(xor.BOOK_SOLUTION["W"], xor.BOOK_SOLUTION["c"],
                           xor.BOOK_SOLUTION["w"], xor.BOOK_SOLUTION["b"])
    h, bad = _array(h, (4, 2), "h")
    if bad is not None:
        return Verdict(False, bad.message, "one row per input x = (0,0), (0,1), (1,0), (1,1); "
                       "one column per hidden unit.")
    if np.allclose(h, truth):
        return Verdict(True, "h = %s: (0,1) and (1,0) both land on (1, 0), so one line "
                       "in h space separates the classes." % truth.astype(int).tolist())
    pre = xor.X @ xor.BOOK_SOLUTION["W"] + xor.BOOK_SOLUTION["c"]
    if np.allclose(h, pre):
        return Verdict(False, "these are the pre-activations x W + c.",
                       "apply the ReLU max(0, ·) to every entry.")
    if np.allclose(h, xor.X @ xor.BOOK_SOLUTION["W"]):
        return Verdict(False, "these are x W, without the bias c = (0, -1) and the ReLU.")
    rows = [i for i in range(4) if not np.allclose(h[i], truth[i])]
    return Verdict(False, "rows %s are off (inputs %s)."
                   % (rows, [xor.X[i].astype(int).tolist() for i in rows]),
                   "for x = (1, 1): x W = (2, 2), plus c gives (2, 1), ReLU keeps (2, 1).")


def check_xor_solution(W, c, w, b):
    """Parameters, different from the book's, for which the network outputs
    exactly 0, 1, 1, 0."""
    if _missing(W, c, w, b):
        return Verdict(False, NOT_ANSWERED)
    for name, value, shape in (("W", W, (2, 2)), ("c", c, (2,)), ("w", w, (2,))):
        _, bad = _array(value, shape, name)
        if bad is not None:
            return bad
    W, c, w = (np.asarray(v, dtype=float) for v in (W, c, w))
    b = float(b)
    _, out = xor.forward(W, c, w, b)
    book = xor.BOOK_SOLUTION
    same = (np.allclose(W, book["W"]) and np.allclose(c, book["c"]) and np.allclose(w, book["w"])
            and np.isclose(b, book["b"]))
    if not np.allclose(out, xor.Y, atol=1e-9):
        return Verdict(False, "the network outputs %s, not [0, 1, 1, 0] (MSE %.4g)."
                       % (np.round(out, 4).tolist(), np.mean((out - xor.Y) ** 2)),
                       "start from the book's solution and change it in a way that "
                       "cannot change the output.")
    if same:
        return Verdict(False, "this is the book's solution; find a different one.",
                       "relu(a z) = a relu(z) for a > 0: scale one hidden unit's weights "
                       "and bias by a and its output weight by 1/a. Or swap the two units.")
    return Verdict(True, "the outputs are exactly [0, 1, 1, 0]: XOR has many exact "
                   "solutions (rescalings, swaps, and genuinely different ones).")


def check_one_hidden_unit(can_fit_exactly, best_mse):
    """With ONE hidden ReLU unit, ŷ = w max(0, u·x + c) + b: can XOR be fit
    exactly, and what is the smallest MSE?"""
    if _missing(can_fit_exactly, best_mse):
        return Verdict(False, NOT_ANSWERED)
    notes = []
    if can_fit_exactly not in (False, 0):
        notes.append("one unit cannot fit XOR exactly: ŷ is a monotone function of the "
                     "single number p = u·x + c, and p(0,1) + p(1,0) = p(0,0) + p(1,1), so "
                     "the two inputs of class 1 cannot both lie above (or both below) the "
                     "two of class 0")
    try:
        mse = float(best_mse)
    except (TypeError, ValueError):
        return Verdict(False, "best_mse should be a number.")
    if not np.isclose(mse, 1 / 6, atol=1e-3):
        notes.append("%.4g is not the best MSE" % mse)
        hint = ("let the unit switch on for x = (1, 1) only: then ŷ = b on the other three "
                "inputs, and the best b is their mean target 2/3.")
        return Verdict(False, "; ".join(notes) + ".", hint)
    if notes:
        return Verdict(False, notes[0] + ".")
    return Verdict(True, "no exact fit, and the best MSE is 1/6: fit one input exactly "
                   "with the active side, the other three with b = their mean. (The linear "
                   "model only reaches 1/4.)")
