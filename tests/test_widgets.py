"""Widgets are thin: their controls reach the figure function, one Output."""
import ipywidgets as W
import numpy as np

from ch6lib import plots, widgets


def test_interact_figure_calls_the_figure_function_with_the_controls():
    calls = []
    controls = dict(a=W.IntSlider(1, min=0, max=5), b=W.FloatSlider(0.5, min=0, max=1))
    box = widgets.interact_figure(lambda a, b: calls.append((a, b)), controls)
    outputs = [w for w in box.children if isinstance(w, W.Output)]
    assert len(outputs) == 1                    # one Output: figures never stack
    assert calls[-1] == (1, 0.5)
    controls["a"].value = 3
    assert calls[-1] == (3, 0.5)
    controls["b"].value = 0.25
    assert calls[-1] == (3, 0.25)


def test_each_widget_drives_its_figure(monkeypatch):
    seen = {}
    for name in ("deep_nets_1d", "xor_explorer", "xor_training"):
        monkeypatch.setattr(plots, name, lambda *a, _n=name, **k: seen.setdefault(_n, []).append((a, k)))
    box = widgets.deep_nets(depth=2)
    assert seen["deep_nets_1d"][-1][1] == dict(depth=2, width=8, seed=0)
    box = widgets.xor_explorer()
    assert seen["xor_explorer"][-1][1]["w2"] == -2.0       # starts at the book's solution
    sliders = [c for row in box.children[:-1] for c in row.children]
    next(s for s in sliders if s.description == "c2").value = 0.5
    assert seen["xor_explorer"][-1][1]["c2"] == 0.5
    box = widgets.xor_training(seed=3, steps=40)
    run, k, step = seen["xor_training"][-1][0]
    assert run.seeds == [3] and step == 40 and run.losses.shape == (41, 1)


def test_trained_runs_are_cached():
    a = widgets.trained_run(5, 0.1, 30)
    assert widgets.trained_run(5, 0.1, 30) is a
    assert np.isfinite(a.losses).all()
