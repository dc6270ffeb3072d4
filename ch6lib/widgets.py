"""Widgets: thin wrappers that feed slider values to a figure function of
``ch6lib.plots`` through ``interactive_output``, into one Output, so each
move redraws one figure instead of stacking new ones."""
from functools import lru_cache

import ipywidgets as W
from IPython.display import display

from . import plots, xor

__all__ = ["interact_figure", "deep_nets", "xor_explorer", "xor_training", "trained_run"]

_WIDE = dict(style={"description_width": "initial"}, continuous_update=False)


def interact_figure(figure_fn, controls, columns=4):
    """``controls``: name -> widget.  Returns a VBox of the controls (in rows of
    ``columns``) above one Output showing ``figure_fn(**values)``."""
    def draw(**values):
        display(figure_fn(**values))
    out = W.interactive_output(draw, controls)
    items = list(controls.values())
    rows = [W.HBox(items[i:i + columns]) for i in range(0, len(items), columns)]
    return W.VBox(rows + [out])


def deep_nets(depth=3, width=8, seed=0):
    """Depth, width and seed of a random deep linear net and a deep ReLU net."""
    return interact_figure(plots.deep_nets_1d, dict(
        depth=W.IntSlider(depth, 1, 10, description="depth", **_WIDE),
        width=W.IntSlider(width, 1, 32, description="width", **_WIDE),
        seed=W.IntSlider(seed, 0, 20, description="seed", **_WIDE)), columns=3)


def xor_explorer(**start):
    """Every parameter of the XOR network on a slider; the default is the
    book's solution."""
    values = dict(W11=1.0, W12=1.0, W21=1.0, W22=1.0, c1=0.0, c2=-1.0, w1=1.0, w2=-2.0, b=0.0)
    values.update(start)
    controls = {k: W.FloatSlider(v, min=-3.0, max=3.0, step=0.1, description=k, **_WIDE)
                for k, v in values.items()}
    return interact_figure(plots.xor_explorer, controls, columns=3)


@lru_cache(maxsize=32)
def trained_run(seed, lr, steps):
    """One XOR training run with its parameter path (cached)."""
    return xor.train([seed], lr=lr, steps=steps, record_path=True)


def xor_training(seed=0, lr=0.1, steps=1000):
    """Seed and learning rate of one training run, and a step slider that
    shows the output surface at step t (each run is trained once and cached)."""
    def figure(seed, lr, step):
        return plots.xor_training(trained_run(seed, round(lr, 4), steps), 0, step)
    return interact_figure(figure, dict(
        seed=W.IntSlider(seed, 0, 99, description="seed", **_WIDE),
        lr=W.FloatLogSlider(lr, base=10, min=-3, max=0, step=0.25, description="learning rate", **_WIDE),
        step=W.IntSlider(steps, 0, steps, description="step t", **_WIDE)), columns=3)
