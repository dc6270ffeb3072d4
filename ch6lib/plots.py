"""Figures as pure functions: parameters in, a matplotlib ``Figure`` out.

They never touch pyplot's global state, so they can be called from tests,
from ``make figures`` and from the widgets alike.  Every figure that the
notebooks show comes from here.
"""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Circle

from . import intro, xor

__all__ = ["deep_nets_1d", "rbf_fits", "feature_maps", "xor_input_space", "xor_spaces",
           "xor_explorer", "xor_network_diagram", "relu", "xor_training", "xor_seed_study"]

CLASS_STYLE = {0: dict(marker="o", color="#1f77b4", label="y = 0"),
               1: dict(marker="^", color="#d95f02", label="y = 1")}
GRID = np.linspace(-0.5, 1.5, 101)


def _figure(ncols=1, width=4.2, height=3.6, top=0.35, bottom=0.55, left=0.65, right=0.15,
            gap=0.75):
    """A row of ``ncols`` axes, each panel ``width`` x ``height`` inches.

    Margins are fixed in inches instead of computed by a layout engine, which
    would double the time to draw (these figures are redrawn by widgets)."""
    W, H = width * ncols, height
    fig = Figure(figsize=(W, H))
    axes = fig.subplots(1, ncols)
    fig.subplots_adjust(left=left / W, right=1 - right / W, bottom=bottom / H, top=1 - top / H,
                        wspace=gap / max(width - (left + right + gap) / ncols, 0.5))
    return fig, (list(axes) if ncols > 1 else [axes])


def _points(ax, P, y, size=70, **kw):
    for label in (0, 1):
        m = y == label
        ax.scatter(P[m, 0], P[m, 1], s=size, edgecolor="k", zorder=3,
                   **{**CLASS_STYLE[label], **kw})


# -- section 6: depth with and without nonlinearity ------------------------------------
def deep_nets_1d(depth=3, width=8, seed=0, lo=-3.0, hi=3.0):
    """A random deep *linear* net next to a random deep *ReLU* net of the same
    shape, both from R to R.  Titles give the number of linear pieces."""
    x = np.linspace(lo, hi, 1201)
    fig, axes = _figure(2, width=4.0, height=3.4, top=0.7)
    for ax, act, color in zip(axes, ("linear", "relu"), ("#555555", "#7570b3")):
        net = intro.random_net_1d(depth, width, act, seed)
        y = net(x[:, None]).value[:, 0]
        ax.plot(x, y, color=color, lw=2)
        pieces = intro.linear_pieces(x, y)
        ax.set_title("%s layers: %d linear piece%s" % ("linear" if act == "linear" else "ReLU",
                                                    pieces, "" if pieces == 1 else "s"), fontsize=10)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("f(x)")
    fig.suptitle("depth %d, width %d, seed %d" % (depth, width, seed), fontsize=10)
    return fig


def rbf_fits(gammas=(0.3, 3.0, 300.0), seed=0):
    """Kernel ridge regression with an RBF kernel on noisy sin(x): the same
    data, three kernel widths, and what each predicts outside the data."""
    res = intro.rbf_experiment(gammas, seed=seed)
    t = np.linspace(-4, 8, 600)
    fig, axes = _figure(len(gammas), width=3.6, height=3.0)
    for ax, g, row in zip(axes, gammas, res["rows"]):
        f = row["predict"]
        ax.axvspan(-3, 3, color="0.92", zorder=0)
        ax.plot(t, np.sin(t), color="0.6", lw=1, ls="--", label="sin x")
        ax.plot(t, f(t), color="#7570b3", lw=2, label="fit")
        ax.scatter(res["x"], res["y"], s=12, color="k", zorder=3, label="data")
        ax.set_ylim(-3, 3)
        ax.set_title("γ = %g: train %.3f, test %.3f" % (g, row["train"], row["test"]), fontsize=9)
        ax.set_xlabel("x")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


def feature_maps():
    """Rings and a noisy XOR in the raw input space and after the hand-made
    feature map that suits each of them."""
    from .datasets import circles, xor_blobs
    (Xr, yr), (Xx, yx) = circles(), xor_blobs()
    fig, axes = _figure(4, width=2.9, height=2.9)
    panels = [(Xr, yr, "rings: raw x", ("x1", "x2")),
              (Xr ** 2, yr, "rings: (x1², x2²)", ("x1²", "x2²")),
              (Xx, yx, "XOR: raw x", ("x1", "x2")),
              (np.stack([Xx[:, 0] * Xx[:, 1], Xx[:, 0] + Xx[:, 1]], 1), yx,
               "XOR: (x1·x2, x1 + x2)", ("x1·x2", "x1 + x2"))]
    for ax, (P, y, title, (lx, ly)) in zip(axes, panels):
        _points(ax, P, y, size=12, alpha=0.8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(lx)
        ax.set_ylabel(ly)
    return fig


# -- section 6.1: XOR ---------------------------------------------------------------
def _xor_axes(ax, title):
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title, fontsize=10)


def xor_input_space():
    """The four XOR points and the best linear model: it predicts 1/2 everywhere."""
    w, b = xor.normal_equations()
    fig, (ax,) = _figure(1, width=4.2, height=4.0)
    U, V = np.meshgrid(GRID, GRID)
    pred = np.stack([U, V], axis=-1) @ w + b
    im = ax.imshow(pred, extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", cmap="coolwarm",
                   vmin=0, vmax=1, alpha=0.5)
    _points(ax, xor.X, xor.Y)
    _xor_axes(ax, "linear model: ŷ = %.2f x1 + %.2f x2 + %.2f" % (w[0] + 0.0, w[1] + 0.0, b))
    fig.colorbar(im, ax=ax, shrink=0.8, label="ŷ")
    ax.legend(loc="upper center", fontsize=8, ncol=2)
    return fig


def xor_spaces(W=None, c=None, w=None, b=None):
    """Figure 6.1 of the book: the original space x and the learned space h.
    Inputs that land on the same h are joined by a note."""
    p = dict(xor.BOOK_SOLUTION)
    p.update({k: np.asarray(v, dtype=float) for k, v in
              dict(W=W, c=c, w=w, b=b).items() if v is not None})
    h, _ = xor.forward(p["W"], p["c"], p["w"], p["b"])
    fig, (ax0, ax1) = _figure(2, width=4.0, height=3.9)
    _points(ax0, xor.X, xor.Y)
    _xor_axes(ax0, "original x space")
    _points(ax1, h, xor.Y)
    ax1.set_title("learned h space", fontsize=10)
    ax1.set_xlabel("h1")
    ax1.set_ylabel("h2")
    lo, hi = min(-0.5, h.min() - 0.5), max(2.5, h.max() + 0.5)
    ax1.set_xlim(lo, hi)
    ax1.set_ylim(lo, max(1.5, h[:, 1].max() + 0.5))
    # the output layer's level set ŷ = 1/2 is a line in h space
    w_, b_ = p["w"], float(p["b"])
    hs = np.linspace(lo, hi, 2)
    if abs(w_[1]) > 1e-12:
        ax1.plot(hs, (0.5 - b_ - w_[0] * hs) / w_[1], color="0.4", ls="--", lw=1,
                 label="ŷ = 1/2")
        ax1.legend(loc="upper left", fontsize=8)
    for i in range(4):
        for j in range(i + 1, 4):
            if np.allclose(h[i], h[j]):
                ax1.annotate("x = %s and %s" % (xor.X[i].astype(int), xor.X[j].astype(int)),
                             h[i], xytext=(h[i][0] + 0.15, h[i][1] + 0.45), fontsize=8,
                             arrowprops=dict(arrowstyle="->", lw=0.8))
    ax1.grid(alpha=0.3)
    return fig


def xor_explorer(W11=1.0, W12=1.0, W21=1.0, W22=1.0, c1=0.0, c2=-1.0, w1=1.0, w2=-2.0, b=0.0):
    """The XOR network with any parameters: input space, h space, and the output
    surface ŷ over [-0.5, 1.5]², with the MSE on the four points.
    (W21 is the weight from x2 to h1: W is indexed [input, unit].)"""
    W = np.array([[W11, W12], [W21, W22]])
    c, w = np.array([c1, c2]), np.array([w1, w2])
    h, yhat = xor.forward(W, c, w, b)
    mse = float(np.mean((yhat - xor.Y) ** 2))
    U, V = np.meshgrid(GRID, GRID)
    grid = np.stack([U.ravel(), V.ravel()], 1)
    _, surface = xor.forward(W, c, w, b, X=grid)
    fig, axes = _figure(3, width=3.6, height=3.7, top=0.75)
    _points(axes[0], xor.X, xor.Y)
    _xor_axes(axes[0], "input space x")
    _points(axes[1], h, xor.Y)
    axes[1].set_title("hidden space h = relu(xW + c)", fontsize=10)
    axes[1].set_xlabel("h1")
    axes[1].set_ylabel("h2")
    span = max(2.5, float(np.abs(h).max()) + 0.5)
    axes[1].set_xlim(-0.5, span)
    axes[1].set_ylim(-0.5, span)
    axes[1].grid(alpha=0.3)
    im = axes[2].imshow(surface.reshape(U.shape), extent=(-0.5, 1.5, -0.5, 1.5),
                        origin="lower", cmap="coolwarm", vmin=-0.5, vmax=1.5)
    _points(axes[2], xor.X, xor.Y, size=50)
    _xor_axes(axes[2], "output ŷ(x)")
    fig.colorbar(im, ax=axes[2], shrink=0.8)
    fig.suptitle("ŷ on the four points: %s    MSE = %.4f"
                 % (np.array2string(yhat, precision=2, suppress_small=True), mse), fontsize=10)
    return fig


def xor_network_diagram():
    """Figure 6.2 of the book: the XOR network drawn unit by unit (left) and
    layer by layer (right)."""
    fig, (ax0, ax1) = _figure(2, width=3.6, height=3.4)
    for ax in (ax0, ax1):
        ax.set_xlim(0, 4)
        ax.set_ylim(-0.2, 4.4)
        ax.set_aspect("equal")
        ax.axis("off")

    def node(ax, xy, label, r=0.38):
        ax.add_patch(Circle(xy, r, facecolor="white", edgecolor="k", lw=1.5, zorder=2))
        ax.text(*xy, label, ha="center", va="center", fontsize=12, zorder=3)

    def edge(ax, a, b, label=None, r=0.38):
        a, b = np.array(a, float), np.array(b, float)
        d = (b - a) / np.linalg.norm(b - a)
        ax.add_patch(FancyArrowPatch(a + r * d, b - r * d, arrowstyle="-|>",
                                     mutation_scale=12, lw=1.2, color="k"))
        if label:
            m = (a + b) / 2
            ax.text(m[0] + 0.18, m[1], label, fontsize=11)
    units = {"x1": (1, 0.5), "x2": (3, 0.5), "h1": (1, 2.2), "h2": (3, 2.2), "y": (2, 3.9)}
    for name, xy in units.items():
        node(ax0, xy, "$%s_%s$" % (name[0], name[1]) if len(name) == 2 else "$y$")
    for a in ("x1", "x2"):
        for b in ("h1", "h2"):
            edge(ax0, units[a], units[b])
    for a in ("h1", "h2"):
        edge(ax0, units[a], units["y"])
    for name, xy, lab in (("x", (2, 0.5), r"$\mathbf{x}$"), ("h", (2, 2.2), r"$\mathbf{h}$"),
                          ("y", (2, 3.9), "$y$")):
        node(ax1, xy, lab)
    edge(ax1, (2, 0.5), (2, 2.2), r"$\mathbf{W}$")
    edge(ax1, (2, 2.2), (2, 3.9), r"$\mathbf{w}$")
    ax0.set_title("unit by unit", fontsize=10)
    ax1.set_title("layer by layer", fontsize=10)
    return fig


def relu(lo=-3.0, hi=3.0):
    """Figure 6.3 of the book: g(z) = max{0, z}."""
    z = np.linspace(lo, hi, 601)
    fig, (ax,) = _figure(1, width=4.2, height=3.2)
    ax.plot(z, np.maximum(z, 0), color="#7570b3", lw=2.5)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("z")
    ax.set_ylabel("g(z) = max{0, z}")
    ax.set_title("the rectified linear activation", fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def xor_training(result, k=0, step=None):
    """Training one network of a :class:`ch6lib.xor.TrainResult` (trained with
    ``record_path=True``): its loss curve and its output surface at ``step``."""
    steps = result.losses.shape[0] - 1
    step = steps if step is None else int(np.clip(step, 0, steps))
    p = result.network(k, step)
    U, V = np.meshgrid(GRID, GRID)
    _, surface = xor.forward(p["W"], p["c"], p["w"], p["b"], X=np.stack([U.ravel(), V.ravel()], 1))
    fig, (ax0, ax1) = _figure(2, width=4.0, height=3.5)
    ax0.plot(result.losses[:, k], color="#7570b3")
    ax0.plot(step, result.losses[step, k], "o", color="k")
    ax0.set_yscale("log")
    ax0.set_xlabel("step")
    ax0.set_ylabel("MSE")
    ax0.set_title("seed %d: MSE %.2e at step %d" % (result.seeds[k], result.losses[step, k], step),
                  fontsize=10)
    ax0.grid(alpha=0.3)
    im = ax1.imshow(surface.reshape(U.shape), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower",
                    cmap="coolwarm", vmin=-0.5, vmax=1.5)
    _points(ax1, xor.X, xor.Y, size=50)
    _xor_axes(ax1, "output ŷ(x) at step %d" % step)
    fig.colorbar(im, ax=ax1, shrink=0.8)
    return fig


def xor_seed_study(result, categories):
    """Loss curves of every seed, coloured by why the run ended where it did,
    and how many runs fall in each category."""
    names = list(xor.CATEGORIES)
    colors = dict(zip(names, ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]))
    fig, (ax0, ax1) = _figure(2, width=4.4, height=3.4)
    losses = np.maximum(result.losses, 1e-12)
    for name in names:
        idx = [i for i, cat in enumerate(categories) if cat == name]
        for n, i in enumerate(idx):
            ax0.plot(losses[:, i], color=colors[name], lw=0.8, alpha=0.6,
                     label=name if n == 0 else None)
    ax0.set_yscale("log")
    ax0.set_ylim(1e-12, 3)
    ax0.set_xlabel("step")
    ax0.set_ylabel("MSE")
    ax0.legend(fontsize=7, loc="lower left")
    counts = [categories.count(n) for n in names]
    ax1.barh(names[::-1], counts[::-1], color=[colors[n] for n in names[::-1]])
    for i, n in enumerate(counts[::-1]):
        ax1.text(n + 0.5, i, str(n), va="center", fontsize=9)
    ax1.set_xlabel("runs out of %d" % len(categories))
    ax1.set_xlim(0, max(counts) * 1.2 + 1)
    return fig
