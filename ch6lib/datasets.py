"""Small, seeded datasets used across the chapter."""
import numpy as np

__all__ = ["xor", "sine", "circles", "xor_blobs"]


def xor():
    """The four XOR points of section 6.1: X (4, 2) and targets y (4,)."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    return X, y


def sine(n=30, noise=0.1, lo=-3.0, hi=3.0, seed=0):
    """``n`` noisy samples of sin(x) on [lo, hi], sorted: x (n,), y (n,)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, hi, n))
    return x, np.sin(x) + noise * rng.standard_normal(n)


def circles(n=200, radius=(0.5, 1.0), noise=0.08, seed=0):
    """Two noisy concentric rings: X (n, 2), label 0 inside, 1 outside."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    r = np.where(y == 0, radius[0], radius[1]) + noise * rng.standard_normal(n)
    t = rng.uniform(0, 2 * np.pi, n)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1), y


def xor_blobs(n=200, spread=0.35, seed=0):
    """A noisy XOR: four blobs at (±1, ±1); label 1 when the signs differ."""
    rng = np.random.default_rng(seed)
    centers = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    k = np.arange(n) % 4
    X = centers[k] + spread * rng.standard_normal((n, 2))
    return X, (centers[k, 0] * centers[k, 1] < 0).astype(float)
