"""Section 6.1: the XOR network, the book's exact solution, and learning it.

The network is ``h = relu(X W + c)``, ``y = h w + b`` with two hidden units.
(The book writes one example as a column, ``W^T x + c``; with one example per
row of ``X`` this is ``X W + c``.)  Training is vectorised over many random
initialisations at once: every parameter gets a leading "seed" axis, and the
loss is the sum of the per-seed losses, so each seed's gradient is the
gradient of its own loss.
"""
from dataclasses import dataclass

import numpy as np

from . import ops
from .datasets import xor
from .nn import SGD
from .tensor import Tensor

__all__ = ["X", "Y", "BOOK_SOLUTION", "forward", "mse", "normal_equations", "init",
           "train", "TrainResult", "classify", "CATEGORIES", "single_unit_search"]

X, Y = xor()

#: The solution printed in the book (section 6.1).
BOOK_SOLUTION = dict(W=np.array([[1.0, 1.0], [1.0, 1.0]]), c=np.array([0.0, -1.0]),
                     w=np.array([1.0, -2.0]), b=0.0)


def forward(W, c, w, b, X=X):
    """Hidden representation ``h`` and output ``y``: (4, 2) and (4,) for one
    network; with a leading seed axis on every parameter (W (S,2,2), c (S,1,2),
    w (S,2,1), b (S,1,1)) it runs S networks at once."""
    h = ops.relu(X @ W + c)
    return h, h @ w + b


def mse(yhat, y=Y):
    """J = 1/4 Σ (y - ŷ)², the cost used throughout section 6.1."""
    return ops.mean((yhat - y) ** 2)


def normal_equations(X=X, y=Y):
    """The least-squares linear model ŷ = x·w + b, from (AᵀA) θ = Aᵀy with
    A = [X 1].  Returns (w, b)."""
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.solve(A.T @ A, A.T @ y)
    return theta[:-1], theta[-1]


def init(seed, std=1.0):
    """Random initialisation used for learning XOR: weights ~ N(0, std²)
    (std 1 is He's scale for fan-in 2), biases 0."""
    rng = np.random.default_rng(seed)
    return dict(W=rng.normal(0.0, std, (2, 2)), c=np.zeros(2),
                w=rng.normal(0.0, std, 2), b=0.0)


@dataclass
class TrainResult:
    """Result of :func:`train` for S seeds.

    ``params``: dict of arrays with a leading seed axis (W (S,2,2), c (S,2),
    w (S,2), b (S,)); ``losses``: (steps + 1, S), the loss before each step
    and at the end; ``path``: if requested, the parameters before every step
    and at the end, as a dict of arrays of shape (steps + 1, S, ...)."""
    seeds: list
    params: dict
    losses: np.ndarray
    path: dict = None

    @property
    def final(self):
        return self.losses[-1]

    def network(self, k, step=None):
        """The parameters (W, c, w, b) of seed number ``k`` (at ``step``)."""
        src = self.params if step is None else {n: v[step] for n, v in self.path.items()}
        return {n: v[k] for n, v in src.items()}


def train(seeds, lr=0.1, steps=2000, std=1.0, record_path=False, progress=False):
    """Full-batch gradient descent (``c6.nn.SGD`` on the whole training set)
    on the MSE from ``init(seed)`` for every seed at once.  Gradients come
    from ch6lib's back-propagation."""
    seeds = list(seeds)
    starts = [init(s, std) for s in seeds]
    S = len(seeds)
    W = Tensor(np.stack([p["W"] for p in starts]), requires_grad=True)
    c = Tensor(np.stack([p["c"] for p in starts])[:, None, :], requires_grad=True)
    w = Tensor(np.stack([p["w"] for p in starts])[:, :, None], requires_grad=True)
    b = Tensor(np.array([p["b"] for p in starts]).reshape(S, 1, 1), requires_grad=True)
    params = [W, c, w, b]
    optimizer = SGD(params, lr=lr)
    target = Y[:, None]
    losses = np.empty((steps + 1, S))
    path = {n: np.empty((steps + 1,) + p.shape) for n, p in zip("Wcwb", params)} \
        if record_path else None
    it = range(steps + 1)
    if progress:
        from .progress import progress as bar
        it = bar(it, total=steps + 1, desc=progress if isinstance(progress, str) else "train")
    for t in it:
        if path is not None:
            for n, p in zip("Wcwb", params):
                path[n][t] = p.value
        out = forward(W, c, w, b)[1]                       # (S, 4, 1)
        per_seed = ops.mean((out - target) ** 2, axis=(1, 2))
        losses[t] = per_seed.value
        if t == steps:
            break
        ops.sum(per_seed).backward()
        optimizer.step()

    def unbatch(d):
        return dict(W=d["W"], c=d["c"][..., 0, :], w=d["w"][..., :, 0], b=d["b"][..., 0, 0])
    return TrainResult(seeds, unbatch({n: p.value for n, p in zip("Wcwb", params)}),
                       losses, unbatch(path) if path is not None else None)


#: Why a run ends where it does, in the order :func:`classify` tests them.
CATEGORIES = {
    "solved": "reaches MSE ≈ 0: the two units carve XOR exactly",
    "both units dead": "neither unit is active on any input: zero gradient, constant output 1/2, MSE 1/4",
    "linear": "every live unit is active on all four inputs, so the network is affine "
              "on the data and can do no better than the linear model: MSE 1/4",
    "one dead unit": "one unit is never active; the other alone can do no better "
                     "than MSE 1/6 (exercise 3)",
    "stuck": "both units live, but their on/off patterns cannot express XOR, and "
             "small steps do not change the patterns: a local minimum",
}


def classify(params, losses, tol=1e-3):
    """Name the category of :data:`CATEGORIES` for every seed from its final
    parameters: which inputs switch each hidden unit on."""
    pre = X @ params["W"] + params["c"][..., None, :]     # (S, 4, 2)
    active = pre > 0
    out = []
    for s in range(len(losses)):
        if losses[s] < tol:
            out.append("solved")
            continue
        live = [tuple(active[s, :, j]) for j in range(2) if active[s, :, j].any()]
        if not live:
            out.append("both units dead")
        elif all(all(p) for p in live):
            out.append("linear")
        elif len(live) == 1:
            out.append("one dead unit")
        else:
            out.append("stuck")
    return out


def single_unit_search(starts=100, steps=1000, lr=0.1, seed=0):
    """Best MSE found for a network with ONE hidden ReLU unit,
    ŷ = w relu(u·x + c) + b, by gradient descent from many random starts at
    once.  Returns (best MSE, its parameters)."""
    rng = np.random.default_rng(seed)
    u = Tensor(rng.standard_normal((starts, 2, 1)), requires_grad=True)
    c = Tensor(rng.standard_normal((starts, 1, 1)), requires_grad=True)
    w = Tensor(rng.standard_normal((starts, 1, 1)), requires_grad=True)
    b = Tensor(rng.standard_normal((starts, 1, 1)), requires_grad=True)
    optimizer = SGD([u, c, w, b], lr=lr)
    target = Y[:, None]
    def per_start():                  # forward() with a single hidden unit
        return ops.mean((forward(u, c, w, b)[1] - target) ** 2, axis=(1, 2))
    for _ in range(steps):
        ops.sum(per_start()).backward()
        optimizer.step()
    per = per_start().value
    k = int(np.argmin(per))
    return float(per[k]), dict(u=u.value[k, :, 0], c=float(c.value[k, 0, 0]),
                               w=float(w.value[k, 0, 0]), b=float(b.value[k, 0, 0]))
