"""Neural-network pieces built on the autodiff engine: layers, activations,
output losses, SGD and a small training loop.

Conventions: a batch is a matrix with one example per *row*, so an affine layer
computes ``X @ W + b``; for one example written as a column vector this is the
book's ``W^T x + b``.
"""
import numpy as np

from .tensor import Tensor, ShapeError, val
from . import ops
from .progress import progress as _progress

__all__ = ["Affine", "MLP", "ACTIVATIONS", "mse", "binary_cross_entropy_with_logits",
           "softmax_cross_entropy", "SGD", "fit"]

ACTIVATIONS = {
    "relu": ops.relu,
    "tanh": ops.tanh,
    "sigmoid": ops.sigmoid,
    "softplus": ops.softplus,
    "linear": lambda x: x,
}


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class Affine:
    """``h = x @ W + b``.  ``init``: 'he' (ReLU layers), 'glorot' (tanh,
    sigmoid) or 'normal' (standard deviation ``scale``)."""

    def __init__(self, n_in, n_out, seed=None, init="glorot", scale=1.0,
                 dtype=np.float64):
        rng = _rng(seed)
        if init == "he":
            std = np.sqrt(2.0 / n_in)
        elif init == "glorot":
            std = np.sqrt(2.0 / (n_in + n_out))
        elif init == "normal":
            std = scale
        else:
            raise ValueError("Affine: unknown init %r (use 'he', 'glorot' or "
                             "'normal')" % (init,))
        self.W = Tensor((std * rng.standard_normal((n_in, n_out))).astype(dtype),
                        requires_grad=True)
        self.b = Tensor(np.zeros(n_out, dtype=dtype), requires_grad=True)

    def __call__(self, x):
        return ops.affine(x, self.W, self.b)

    def parameters(self):
        return [self.W, self.b]

    def __repr__(self):
        return "Affine(%d -> %d)" % self.W.shape


class MLP:
    """A multilayer perceptron: affine layers of the given ``sizes`` with
    ``activation`` between them and ``output`` ('linear' by default) after the
    last one.  ``MLP([2, 2, 1], 'relu')`` is the XOR network of section 6.1."""

    def __init__(self, sizes, activation="relu", output="linear", seed=0,
                 init=None, dtype=np.float64):
        if len(sizes) < 2:
            raise ValueError("MLP: need at least an input and an output size, "
                             "got %r" % (sizes,))
        for name in (activation, output):
            if name not in ACTIVATIONS:
                raise ValueError("MLP: unknown activation %r; choose from %s"
                                 % (name, sorted(ACTIVATIONS)))
        rng = _rng(seed)
        init = init or ("he" if activation == "relu" else "glorot")
        self.sizes = list(sizes)
        self.activation, self.output = activation, output
        self.layers = [Affine(a, b, rng, init=init, dtype=dtype)
                       for a, b in zip(sizes[:-1], sizes[1:])]
        self._g = ACTIVATIONS[activation]
        self._out = ACTIVATIONS[output]

    def __call__(self, x):
        g, affine = self._g, ops.affine
        layers = self.layers
        for layer in layers[:-1]:
            x = g(affine(x, layer.W, layer.b))
        last = layers[-1]
        return self._out(affine(x, last.W, last.b))

    def hidden(self, x):
        """The hidden representations h1, h2, ... (each after its activation)."""
        hs = []
        for layer in self.layers[:-1]:
            x = self._g(layer(x))
            hs.append(x)
        return hs

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return "MLP(%s, activation=%r, output=%r)" % (self.sizes, self.activation,
                                                      self.output)


# -- losses ---------------------------------------------------------------
def _same_shape(pred, target, who):
    if pred.shape != np.shape(target):
        raise ShapeError("%s: predictions have shape %s but targets have shape %s; "
                         "reshape one so they match (broadcasting here would "
                         "silently compare every prediction with every target)"
                         % (who, np.shape(val(pred)), np.shape(val(target))))


def mse(pred, target):
    """Mean squared error, averaged over every entry."""
    _same_shape(pred, target, "mse")
    return ops.mean((pred - target) ** 2)


def binary_cross_entropy_with_logits(logits, target):
    """Mean of -y log σ(z) - (1-y) log(1-σ(z)) computed as softplus(z) - y z,
    which never overflows or takes log(0) (section 6.2.2.2)."""
    _same_shape(logits, target, "binary_cross_entropy_with_logits")
    return ops.mean(ops.softplus(logits) - target * logits)


def softmax_cross_entropy(logits, labels):
    """Mean negative log-likelihood of a softmax output (section 6.2.2.3).

    ``labels``: integer classes of shape (n,), or target probabilities of the
    same shape as ``logits``."""
    logp = ops.log_softmax(logits, axis=-1)
    lab = np.asarray(val(labels))
    shape = np.shape(val(logits))
    if lab.dtype.kind in "iu":
        if lab.shape != shape[:-1]:
            raise ShapeError("softmax_cross_entropy: %s logits need integer labels "
                             "of shape %s, got %s" % (shape, shape[:-1], lab.shape))
        if lab.size and (lab.min() < 0 or lab.max() >= shape[-1]):
            raise ValueError("softmax_cross_entropy: labels must lie in [0, %d)"
                             % shape[-1])
        picked = logp[np.arange(lab.size).reshape(lab.shape), lab] if lab.ndim else logp[lab]
        return -ops.mean(picked)
    _same_shape(logits, labels, "softmax_cross_entropy")
    return -ops.mean(ops.sum(labels * logp, axis=-1))


# -- optimisation ---------------------------------------------------------------
class SGD:
    """Stochastic gradient descent on Tensors that have ``.grad``:
    ``v <- momentum v - lr (grad + weight_decay θ)``, ``θ <- θ + v``."""

    def __init__(self, params, lr=0.1, momentum=0.0, weight_decay=0.0):
        self.params = list(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p.value) for p in self.params] if momentum else None

    def step(self):
        lr, wd = self.lr, self.weight_decay
        for k, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if wd:
                g = g + wd * p.value
            if self.velocity is None:
                p.value -= lr * g
            else:
                v = self.velocity[k]
                v *= self.momentum
                v -= lr * g
                p.value += v


def fit(model, loss_fn, X, y, optimizer=None, steps=100, batch_size=None,
        seed=0, progress=False, callback=None, lr=0.1):
    """Train ``model`` by minimising ``loss_fn(model(X_batch), y_batch)``.

    ``batch_size=None`` uses the whole set every step.  Returns the list of
    per-step losses.  ``callback(step, model, loss)`` runs after each step.
    ``progress=True`` (or a label) shows a progress bar."""
    optimizer = optimizer or SGD(model.parameters(), lr=lr)
    rng = _rng(seed)
    n = len(X)
    history = []
    it = range(steps)
    if progress:
        it = _progress(it, total=steps, desc=progress if isinstance(progress, str) else "fit")
    for step in it:
        if batch_size is None or batch_size >= n:
            xb, yb = X, y
        else:
            idx = rng.choice(n, size=batch_size, replace=False)
            xb, yb = X[idx], y[idx]
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        history.append(float(loss.value))
        if callback is not None:
            callback(step, model, float(loss.value))
    return history
