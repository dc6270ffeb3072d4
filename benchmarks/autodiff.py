"""Autodiff speed: ch6lib against a hand-written numpy forward/backward.

Four tasks, each timed per step in one process, implementations interleaved
round by round, one BLAS thread, float64:

1. xor   XOR 2-2-1 ReLU MLP, MSE, full batch: gradient + SGD step
2. mlp   MLP 40-256-256-10, ReLU, softmax cross-entropy, batch 512: gradient + SGD step
3. deep  8 hidden tanh layers of width 64, batch 64, MSE: gradient
4. hvp   Hessian-vector product of task 2's loss w.r.t. all parameters
         (baseline: central difference of two hand-written gradients)

HIPS autograd (extra ``bench``) and, if it is already installed, PyTorch on the
CPU are timed on the same tasks.  Every implementation's gradient (and HVP) is
first checked against the hand-written one.

Run: ``make bench`` or ``python benchmarks/autodiff.py [--rounds N] [--markdown]``.
Reported: the median time per step and its ratio to hand-written numpy.
"""
import argparse
import platform
import statistics
import sys
import time

import numpy as np

import ch6lib as c6

try:
    from threadpoolctl import threadpool_limits
except ImportError:                      # pragma: no cover
    threadpool_limits = None
try:
    import autograd
    import autograd.numpy as anp
except ImportError:                      # pragma: no cover
    autograd = None
try:
    import torch
except ImportError:                      # pragma: no cover
    torch = None

LR = 0.01


# ----------------------------------------------------------------------------
# Problems: data and initial parameters, shared by every implementation.
# ----------------------------------------------------------------------------
def make_problem(task, seed=0):
    rng = np.random.default_rng(seed)
    if task == "xor":
        X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
        y = np.array([[0.], [1.], [1.], [0.]])
        sizes, act, loss = [2, 2, 1], "relu", "mse"
    elif task in ("mlp", "hvp"):
        X = rng.standard_normal((512, 40))
        y = rng.integers(0, 10, size=512)
        sizes, act, loss = [40, 256, 256, 10], "relu", "ce"
    elif task == "deep":
        X = rng.standard_normal((64, 64))
        y = rng.standard_normal((64, 1))
        sizes, act, loss = [64] * 9 + [1], "tanh", "mse"
    else:
        raise ValueError(task)
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        std = np.sqrt(2.0 / a) if act == "relu" else np.sqrt(2.0 / (a + b))
        params += [std * rng.standard_normal((a, b)), 0.1 * rng.standard_normal(b)]
    return dict(X=X, y=y, params=params, act=act, loss=loss)


# ----------------------------------------------------------------------------
# Hand-written numpy: the baseline.
# ----------------------------------------------------------------------------
def numpy_loss_and_grad(params, X, y, act, loss):
    n_layers = len(params) // 2
    hs, zs = [X], []
    h = X
    for k in range(n_layers):
        z = h @ params[2 * k] + params[2 * k + 1]
        zs.append(z)
        if k < n_layers - 1:
            h = np.maximum(z, 0) if act == "relu" else np.tanh(z)
            hs.append(h)
    out = zs[-1]
    if loss == "mse":
        r = out - y
        value = np.mean(r * r)
        d = (2.0 / r.size) * r
    else:
        n = out.shape[0]
        m = out.max(axis=1, keepdims=True)
        e = np.exp(out - m)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        value = -np.mean(out[rows, y] - m[:, 0] - np.log(s[:, 0]))
        d = e / s
        d[rows, y] -= 1.0
        d /= n
    grads = [None] * len(params)
    for k in range(n_layers - 1, -1, -1):
        grads[2 * k] = hs[k].T @ d
        grads[2 * k + 1] = d.sum(axis=0)
        if k > 0:
            dh = d @ params[2 * k].T
            d = dh * (zs[k - 1] > 0) if act == "relu" else dh * (1.0 - hs[k] * hs[k])
    return value, grads


def numpy_hvp_exact(params, v, X, y, act, loss):
    """Exact Hessian-vector product by hand: Pearlmutter's R-operator, i.e. the
    forward-mode derivative of every line of numpy_loss_and_grad along v."""
    n_layers = len(params) // 2
    hs, Rhs, zs, Rzs = [X], [np.zeros_like(X)], [], []
    h, Rh = X, np.zeros_like(X)
    for k in range(n_layers):
        W, b, V, c = params[2 * k], params[2 * k + 1], v[2 * k], v[2 * k + 1]
        z = h @ W + b
        Rz = Rh @ W + h @ V + c
        zs.append(z)
        Rzs.append(Rz)
        if k < n_layers - 1:
            if act == "relu":
                h, Rh = np.maximum(z, 0), Rz * (z > 0)
            else:
                h = np.tanh(z)
                Rh = (1 - h * h) * Rz
            hs.append(h)
            Rhs.append(Rh)
    out, Rout = zs[-1], Rzs[-1]
    if loss == "mse":
        d, Rd = (2.0 / out.size) * (out - y), (2.0 / out.size) * Rout
    else:
        n = out.shape[0]
        e = np.exp(out - out.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        Rd = (p * Rout - p * (p * Rout).sum(axis=1, keepdims=True)) / n
        d = p.copy()
        d[np.arange(n), y] -= 1.0
        d /= n
    hv = [None] * len(params)
    for k in range(n_layers - 1, -1, -1):
        hv[2 * k] = Rhs[k].T @ d + hs[k].T @ Rd
        hv[2 * k + 1] = Rd.sum(axis=0)
        if k > 0:
            W, V = params[2 * k], v[2 * k]
            dh, Rdh = d @ W.T, Rd @ W.T + d @ V.T
            if act == "relu":
                mask = zs[k - 1] > 0
                d, Rd = dh * mask, Rdh * mask
            else:
                s = 1.0 - hs[k] * hs[k]
                d, Rd = dh * s, Rdh * s - dh * 2 * hs[k] * Rhs[k]
    return hv


class NumpyImpl:
    name = "numpy (hand-written)"

    def __init__(self, prob):
        self.p = prob
        self.params = [a.copy() for a in prob["params"]]

    def gradient(self):
        p = self.p
        return numpy_loss_and_grad(self.params, p["X"], p["y"], p["act"], p["loss"])[1]

    def train_step(self):
        for w, g in zip(self.params, self.gradient()):
            w -= LR * g

    def hvp(self, v, eps=1e-5):
        p = self.p
        up = [w + eps * d for w, d in zip(self.params, v)]
        down = [w - eps * d for w, d in zip(self.params, v)]
        gu = numpy_loss_and_grad(up, p["X"], p["y"], p["act"], p["loss"])[1]
        gd = numpy_loss_and_grad(down, p["X"], p["y"], p["act"], p["loss"])[1]
        return [(a - b) / (2 * eps) for a, b in zip(gu, gd)]


# ----------------------------------------------------------------------------
# ch6lib: the same model written with the library, object style for training.
# ----------------------------------------------------------------------------
class Ch6Impl:
    name = "ch6lib"

    def __init__(self, prob):
        self.p = prob
        self.params = [c6.Tensor(a.copy(), requires_grad=True) for a in prob["params"]]
        self.opt = c6.nn.SGD(self.params, lr=LR)
        act = c6.relu if prob["act"] == "relu" else c6.tanh
        X, y = prob["X"], prob["y"]
        lossf = c6.nn.mse if prob["loss"] == "mse" else c6.nn.softmax_cross_entropy

        def loss(params):
            h = X
            n_layers = len(params) // 2
            for k in range(n_layers - 1):
                h = act(c6.affine(h, params[2 * k], params[2 * k + 1]))
            return lossf(c6.affine(h, params[-2], params[-1]), y)
        self.loss = loss
        self._hvp = c6.hvp(loss)

    def gradient(self):
        self.loss(self.params).backward()
        return [p.grad for p in self.params]

    def train_step(self):
        self.loss(self.params).backward()
        self.opt.step()

    def hvp(self, v):
        return list(self._hvp(tuple(p.value for p in self.params), tuple(v)))


# ----------------------------------------------------------------------------
# HIPS autograd.
# ----------------------------------------------------------------------------
class AutogradImpl:
    name = "autograd (HIPS)"

    def __init__(self, prob):
        self.p = prob
        self.params = [a.copy() for a in prob["params"]]
        X, y = prob["X"], prob["y"]
        relu = prob["act"] == "relu"
        onehot = None if prob["loss"] == "mse" else np.eye(10)[y]

        def loss(params):
            h = X
            n_layers = len(params) // 2
            for k in range(n_layers - 1):
                z = anp.dot(h, params[2 * k]) + params[2 * k + 1]
                h = anp.maximum(z, 0.0) if relu else anp.tanh(z)
            out = anp.dot(h, params[-2]) + params[-1]
            if onehot is None:
                return anp.mean((out - y) ** 2)
            m = anp.max(out, axis=1, keepdims=True)
            logp = out - m - anp.log(anp.sum(anp.exp(out - m), axis=1, keepdims=True))
            return -anp.mean(anp.sum(onehot * logp, axis=1))
        self.grad = autograd.grad(loss)

        def hvp(params, v):
            g = autograd.grad(loss)

            def dot(ps):
                return sum(anp.sum(a * b) for a, b in zip(g(ps), v))
            return autograd.grad(dot)(params)
        self._hvp = hvp

    def gradient(self):
        return self.grad(self.params)

    def train_step(self):
        for w, g in zip(self.params, self.grad(self.params)):
            w -= LR * g

    def hvp(self, v):
        return self._hvp(self.params, v)


# ----------------------------------------------------------------------------
# PyTorch (CPU, eager), only if already installed.
# ----------------------------------------------------------------------------
class TorchImpl:
    name = "torch (eager, CPU)"

    def __init__(self, prob):
        self.p = prob
        t = lambda a: torch.tensor(a, dtype=torch.float64)
        self.params = [t(a).requires_grad_() for a in prob["params"]]
        X = t(prob["X"])
        mse = prob["loss"] == "mse"
        y = t(prob["y"]) if mse else torch.tensor(prob["y"], dtype=torch.long)
        act = torch.relu if prob["act"] == "relu" else torch.tanh

        def loss(params):
            h = X
            n_layers = len(params) // 2
            for k in range(n_layers - 1):
                h = act(h @ params[2 * k] + params[2 * k + 1])
            out = h @ params[-2] + params[-1]
            if mse:
                return torch.mean((out - y) ** 2)
            return torch.nn.functional.cross_entropy(out, y)
        self.loss = loss

    def gradient(self):
        for p in self.params:
            p.grad = None
        self.loss(self.params).backward()
        return [p.grad.numpy() for p in self.params]

    def train_step(self):
        for p in self.params:
            p.grad = None
        self.loss(self.params).backward()
        with torch.no_grad():
            for p in self.params:
                p -= LR * p.grad

    def hvp(self, v):
        vt = [torch.tensor(a) for a in v]
        gs = torch.autograd.grad(self.loss(self.params), self.params, create_graph=True)
        dot = sum((g * w).sum() for g, w in zip(gs, vt))
        return [h.numpy() for h in torch.autograd.grad(dot, self.params)]


# ----------------------------------------------------------------------------
TASKS = [
    ("xor", "XOR 2-2-1 ReLU, MSE: grad + SGD step", "train_step"),
    ("mlp", "MLP 40-256-256-10 ReLU, softmax CE, batch 512: grad + SGD step", "train_step"),
    ("deep", "8 tanh layers x 64, batch 64, MSE: grad", "gradient"),
    ("hvp", "HVP of task 2's loss, all parameters", "hvp"),
]


def implementations():
    impls = [NumpyImpl, Ch6Impl]
    if autograd is not None:
        impls.append(AutogradImpl)
    if torch is not None:
        impls.append(TorchImpl)
    return impls


def rel_err(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / (np.max(np.abs(b)) + 1e-300))


def cross_check(task, impls, prob, v):
    """Every implementation's gradient (or HVP) against the hand-written one."""
    ref = NumpyImpl(prob)
    if task == "hvp":
        # The timed baseline is a finite difference, which ReLU kinks spoil;
        # check against the exact hand-written R-operator instead.
        want = numpy_hvp_exact(ref.params, v, prob["X"], prob["y"], prob["act"], prob["loss"])
        tol = 1e-9
        impls = [i for i in impls if not isinstance(i, NumpyImpl)]
    else:
        want = ref.gradient()
        tol = 1e-9
    for impl in impls:
        got = impl.hvp(v) if task == "hvp" else impl.gradient()
        err = max(rel_err(g, w) for g, w in zip(got, want))
        if not err < tol:
            raise AssertionError("%s on %s: gradient differs from hand-written "
                                 "numpy (relative error %.2e)" % (impl.name, task, err))


def time_task(task, method, impls, prob, v, rounds, target=0.02):
    calls = {}
    for impl in impls:
        call = (lambda i=impl: i.hvp(v)) if method == "hvp" else getattr(impl, method)
        calls[impl.name] = call
        call()                                            # warm up
    reps = {}
    for name, call in calls.items():                       # steps per sample
        t0 = time.perf_counter()
        n = 0
        while time.perf_counter() - t0 < target / 4:
            call()
            n += 1
        reps[name] = max(1, int(n * 4 * (target / 4) / max(time.perf_counter() - t0, 1e-9)))
    samples = {name: [] for name in calls}
    for _ in range(rounds):                                # interleaved rounds
        for name, call in calls.items():
            r = reps[name]
            t0 = time.perf_counter()
            for _ in range(r):
                call()
            samples[name].append((time.perf_counter() - t0) / r)
    return {name: statistics.median(s) for name, s in samples.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--tasks", default="xor,mlp,deep,hvp")
    ap.add_argument("--markdown", action="store_true", help="print a README table")
    args = ap.parse_args(argv)
    limiter = threadpool_limits(1) if threadpool_limits else None
    if torch is not None:
        torch.set_num_threads(1)
    impl_classes = implementations()
    results = {}
    for task, title, method in TASKS:
        if task not in args.tasks.split(","):
            continue
        prob = make_problem(task)
        rng = np.random.default_rng(1)
        v = [rng.standard_normal(a.shape) for a in prob["params"]]
        impls = [cls(prob) for cls in impl_classes]
        cross_check(task, impls, prob, v)
        times = time_task(task, method, impls, prob, v, args.rounds)
        results[task] = (title, times)
        base = times[NumpyImpl.name]
        print("%-5s %s" % (task, title), file=sys.stderr)
        for name, t in times.items():
            print("      %-22s %10.1f us  x%.2f" % (name, t * 1e6, t / base), file=sys.stderr)
    if limiter is not None:
        limiter.unregister()
    names = [cls.name for cls in impl_classes]
    env = "Python %s, numpy %s, %s, 1 BLAS thread" % (
        platform.python_version(), np.__version__, platform.machine())
    if autograd is not None:
        import importlib.metadata as md
        env += ", autograd %s" % md.version("autograd")
    if torch is not None:
        env += ", torch %s" % torch.__version__
    if args.markdown:
        print("| task | " + " | ".join(names) + " |")
        print("|---|" + "---:|" * len(names))
        for task, (title, times) in results.items():
            base = times[NumpyImpl.name]
            cells = []
            for n in names:
                t = times[n]
                cells.append("%s (%.0f µs)" % ("1.00" if n == NumpyImpl.name
                                               else "%.2f" % (t / base), t * 1e6))
            print("| %d. %s | %s |" % ([k for k, *_ in TASKS].index(task) + 1,
                                       title, " | ".join(cells)))
        print("\nRatio to hand-written numpy (median per step); %s." % env)
    return results


if __name__ == "__main__":
    main()
