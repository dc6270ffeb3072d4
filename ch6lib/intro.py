"""Computations for the chapter introduction (section 6): layers as a
composition, the collapse of stacked linear layers, and three ways of making
a linear model nonlinear."""
import numpy as np

from . import nn, ops
from .datasets import circles, sine, xor_blobs
from .transforms import grad

__all__ = ["collapse", "linear_pieces", "random_net_1d", "rbf_kernel", "kernel_ridge",
           "rbf_experiment", "logistic_regression", "feature_experiment",
           "learned_features_experiment", "exercise_layers"]


def collapse(layers):
    """The single affine map (W, b) equal to a stack of affine layers
    ``x -> x W1 + b1 -> (x W1 + b1) W2 + b2 -> ...`` (first layer first)."""
    W = np.eye(layers[0][0].shape[0])
    b = np.zeros(layers[0][0].shape[0])
    for Wk, bk in layers:
        W, b = W @ Wk, b @ Wk + bk
    return W, b


def linear_pieces(x, y, tol=1e-7):
    """Number of linear pieces of a piecewise-linear function sampled at the
    sorted points x: one more than the number of slope changes."""
    slope = np.diff(y) / np.diff(x)
    changes = np.abs(np.diff(slope)) > tol * max(1.0, np.max(np.abs(slope)))
    # a kink between two samples shows up as one or two consecutive changes
    starts = changes & ~np.concatenate([[False], changes[:-1]])
    return int(np.sum(starts)) + 1


def random_net_1d(depth, width, activation, seed=0):
    """A random MLP from R to R with ``depth`` hidden layers of ``width``
    units (biases drawn too, so kinks fall inside the plotted range)."""
    net = nn.MLP([1] + [width] * depth + [1], activation=activation, seed=seed,
                 init="he" if activation == "relu" else "glorot")
    rng = np.random.default_rng(seed + 1000)
    for layer in net.layers:
        layer.b.value[...] = 0.5 * rng.standard_normal(layer.b.shape)
    return net


def rbf_kernel(a, b, gamma):
    """k(a, b) = exp(-gamma |a - b|²) for 1-D inputs a (n,), b (m,)."""
    return np.exp(-gamma * (a[:, None] - b[None, :]) ** 2)


def kernel_ridge(x, y, gamma, lam=1e-2):
    """Fit f(x) = Σ_i α_i k(x, x_i): α = (K + λI)⁻¹ y.  Returns predict(x)."""
    K = rbf_kernel(x, x, gamma)
    alpha = np.linalg.solve(K + lam * np.eye(len(x)), y)
    return lambda t: rbf_kernel(np.asarray(t, dtype=float), x, gamma) @ alpha


def rbf_experiment(gammas=(0.3, 3.0, 300.0), n=30, noise=0.1, seed=0):
    """Kernel ridge regression on noisy sin(x), x in [-3, 3], for several
    kernel widths.  For each gamma: train MSE, test MSE (fresh noise-free points
    inside [-3, 3]), the mean |prediction| far outside, on [5, 8], and the
    fitted predictor itself."""
    x, y = sine(n=n, noise=noise, seed=seed)
    inside = np.linspace(-3, 3, 301)
    outside = np.linspace(5, 8, 61)
    rows = []
    for g in gammas:
        f = kernel_ridge(x, y, g)
        rows.append(dict(gamma=g, predict=f, train=float(np.mean((f(x) - y) ** 2)),
                         test=float(np.mean((f(inside) - np.sin(inside)) ** 2)),
                         far=float(np.mean(np.abs(f(outside)))),
                         far_target=float(np.mean(np.abs(np.sin(outside))))))
    return dict(x=x, y=y, rows=rows)


def logistic_regression(F, y, steps=500, lr=0.5):
    """Fit p(y=1|x) = σ(F w + b) by gradient descent on the cross-entropy
    (gradients from ch6lib).  Returns (w, b, training accuracy)."""
    mu, sd = F.mean(0), F.std(0) + 1e-12
    Z = (F - mu) / sd                            # standardise the features
    w, b = np.zeros(F.shape[1]), 0.0
    g = grad(lambda w, b: nn.binary_cross_entropy_with_logits(Z @ w + b, y), (0, 1))
    for _ in range(steps):
        gw, gb = g(w, b)
        w, b = w - lr * gw, b - lr * gb
    acc = float(np.mean(((Z @ w + b) > 0) == (y == 1)))
    return w / sd, b - (mu / sd) @ w, acc


FEATURES = {
    "raw x": lambda X: X,
    "squares (x1², x2²)": lambda X: X ** 2,
    "product x1·x2": lambda X: X[:, :1] * X[:, 1:],
}


def feature_experiment():
    """Training accuracy of logistic regression on the rings and on the noisy
    XOR, for each hand-made feature map of :data:`FEATURES`."""
    data = {"rings": circles(), "XOR": xor_blobs()}
    return {(name, f): logistic_regression(phi(X), y)[2]
            for name, (X, y) in data.items() for f, phi in FEATURES.items()}


def learned_features_experiment(seeds=(0, 1, 2), hidden=8, steps=600, lr=0.5):
    """The same small ReLU network trained on both datasets from a few seeds:
    training accuracy for each (dataset, seed)."""
    data = {"rings": circles(), "XOR": xor_blobs()}
    out = {}
    for name, (X, y) in data.items():
        for s in seeds:
            net = nn.MLP([2, hidden, 1], activation="relu", seed=s)
            loss = lambda z, t: nn.binary_cross_entropy_with_logits(ops.reshape(z, (-1,)), t)
            nn.fit(net, loss, X, y, steps=steps, lr=lr)
            out[(name, s)] = float(np.mean((net(X).value[:, 0] > 0) == (y == 1)))
    return out


def exercise_layers(seed=6):
    """Three random affine layers R^3 -> R^4 -> R^2 -> R^2 for the exercise."""
    rng = np.random.default_rng(seed)
    sizes = [3, 4, 2, 2]
    # rounded to one decimal so they print exactly (+ 0.0 turns -0.0 into 0.0)
    return [(np.round(rng.standard_normal((a, b)), 1) + 0.0, np.round(rng.standard_normal(b), 1) + 0.0)
            for a, b in zip(sizes[:-1], sizes[1:])]

