"""ch6lib: the small library behind the ch6 notebooks.

``import ch6lib as c6`` gives the autodiff engine (``c6.Tensor``, the
differentiable functions, ``c6.grad``, ``c6.jvp``, ``c6.hvp``, ...).  The
neural-network pieces are in ``c6.nn``; figures in ``ch6lib.plots``; widgets in
``ch6lib.widgets``; exercise checkers in ``ch6lib.exercises``.

Where things are:
  tensor.py      variables and ops (the graph, 6.5.1)
  ops.py         every primitive: forward, VJP (bprop), JVP, side by side
  backprop.py    build_grad: Algorithms 6.5 / 6.6
  transforms.py  grad, value_and_grad, vjp, jvp, hvp, hessian, check_grad
  nn.py          layers, activations, losses, SGD, fit
"""
from .tensor import (Tensor, Op, ShapeError, NonDifferentiableError,
                     GradientShapeError)
from .ops import (OPS, affine, add, subtract, multiply, divide, power, negative, matmul,
                  exp, log, sqrt, tanh, sigmoid, relu, softplus, abs, sin, cos,
                  maximum, minimum, where, clip, sum, mean, max, logsumexp,
                  log_softmax, softmax, reshape, transpose, swapaxes,
                  broadcast_to, concatenate, stack, getitem, square,
                  expand_dims, stop_gradient, greater, greater_equal, less,
                  less_equal, equal, not_equal, argmax, argmin, round, floor,
                  ceil, sign)
from .backprop import build_grad
from .transforms import (grad, value_and_grad, vjp, jvp, hvp, hessian,
                         check_grad, GradCheck)
from . import nn

__version__ = "0.1.0"

_LAZY = {"notebook", "plots", "widgets", "exercises", "chapters", "intro", "xor",
         "datasets", "figures", "progress"}


def __getattr__(name):
    # c6.plots, c6.widgets, ...: imported on first use, so that `import ch6lib`
    # for the engine alone does not pull in matplotlib or ipywidgets.
    if name in _LAZY:
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError("module 'ch6lib' has no attribute %r" % name)
