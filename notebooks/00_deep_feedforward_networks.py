# %% [markdown]
# # 6 Deep Feedforward Networks
#
# A deep feedforward network, or multilayer perceptron (MLP), is the model the
# rest of this chapter builds, trains and differentiates. In this notebook you
# will
#
# - read a network as a chain of functions $f(\boldsymbol x) = f^{(3)}(f^{(2)}(f^{(1)}(\boldsymbol x)))$
#   and follow the shapes of the data through it;
# - compute why a stack of *linear* layers is no better than one layer, and watch
#   ReLU layers bend the input instead;
# - try the three ways of making a linear model nonlinear (a generic kernel,
#   hand-made features, learned features) and measure what each one costs;
# - find every notebook of the chapter in the map at the end.
#
# Every claim is computed in a cell below. Cells that state a fact end in
# `assert`, so a false claim stops the notebook.

# %%
import numpy as np
from IPython.display import Markdown, display

import ch6lib as c6
from ch6lib import chapters, exercises, intro, plots, widgets

c6.notebook.setup()

# %% [markdown]
# ## 1. A network is a chain of functions
#
# Supervised learning wants a function $f^*$ that maps inputs $\boldsymbol x$ to
# targets $y$. A feedforward network proposes a family $f(\boldsymbol x;
# \boldsymbol\theta)$ and learns the parameters $\boldsymbol\theta$ that make it a
# good approximation. *Feedforward* means information flows one way: from
# $\boldsymbol x$, through intermediate computations, to the output, never back.
# (Networks with feedback connections are recurrent networks, chapter 10.)
#
# The family is built by composing simple functions, the **layers**:
#
# $$f(\boldsymbol x) = f^{(3)}\big(f^{(2)}\big(f^{(1)}(\boldsymbol x)\big)\big)
#   = \big(f^{(3)} \circ f^{(2)} \circ f^{(1)}\big)(\boldsymbol x).$$
#
# Mind the order: $f^{(1)}$, the **first layer**, acts first, so it is the
# innermost function and the *rightmost* one in the $\circ$ notation. Writing
# $f^{(1)}\circ f^{(2)}\circ f^{(3)}$ would apply $f^{(3)}$ first. The number of
# layers is the network's **depth**; the last one is the **output layer**. The
# training data say what the output should be, but nothing about the layers in
# between: they are **hidden layers**, and the learning algorithm decides what
# they compute. The size of a hidden layer is its **width**.
#
# Here is a network with input size 4, two hidden layers of width 8 and 3
# outputs, applied to a batch of 5 examples (one example per row):

# %%
net = c6.nn.MLP([4, 8, 8, 3], activation="relu", seed=0)
x = np.random.default_rng(0).standard_normal((5, 4))

f1 = lambda x: c6.relu(net.layers[0](x))    # layer 1: affine map, then ReLU
f2 = lambda x: c6.relu(net.layers[1](x))    # layer 2
f3 = lambda x: net.layers[2](x)             # output layer: affine only

h1 = f1(x)
h2 = f2(h1)
y = f3(h2)
for name, value in [("x", x), ("h1 = f1(x)", h1), ("h2 = f2(h1)", h2), ("y = f3(h2)", y)]:
    print("%-12s shape %s" % (name, value.shape))
for k, layer in enumerate(net.layers, 1):
    print("layer %d: W %s, b %s" % (k, layer.W.shape, layer.b.shape))

assert np.allclose(y.value, net(x).value)      # the MLP is exactly f3(f2(f1(x)))

# %% [markdown]
# Composing in the other order is not just a different function; here it is not
# even defined, because $f^{(3)}$ expects 8 numbers and gets 4. ch6lib says
# which operation failed and with which shapes:

# %%
try:
    f1(f2(f3(x)))
except c6.ShapeError as error:
    print(error)

# %% [markdown]
# ## 2. Without a nonlinearity, depth buys nothing
#
# Each layer above is an affine map $\boldsymbol h \mapsto \boldsymbol h
# \boldsymbol W + \boldsymbol b$ followed by an **activation function** $g$
# applied entrywise (here the ReLU, $g(z)=\max\{0,z\}$). Why the $g$? Drop it and
# the whole stack is affine:
#
# $$\big((\boldsymbol x \boldsymbol W_1 + \boldsymbol b_1)\boldsymbol W_2 + \boldsymbol b_2\big)\boldsymbol W_3 + \boldsymbol b_3
# = \boldsymbol x\,\underbrace{\boldsymbol W_1\boldsymbol W_2\boldsymbol W_3}_{\boldsymbol W}
# + \underbrace{(\boldsymbol b_1\boldsymbol W_2 + \boldsymbol b_2)\boldsymbol W_3 + \boldsymbol b_3}_{\boldsymbol b}.$$
#
# Let us check it on random layers of sizes 4 → 8 → 8 → 3:

# %%
rng = np.random.default_rng(1)
sizes = [4, 8, 8, 3]
layers = [(rng.standard_normal((a, b)), rng.standard_normal(b)) for a, b in zip(sizes[:-1], sizes[1:])]

def deep_linear(x):
    for W, b in layers:
        x = x @ W + b
    return x

W, b = intro.collapse(layers)
n_deep = sum(Wk.size + bk.size for Wk, bk in layers)
print("three layers: %d parameters; one equivalent layer: W %s, b %s, %d parameters"
      % (n_deep, W.shape, b.shape, W.size + b.size))
x_test = rng.standard_normal((100, 4))
print("largest difference on 100 inputs: %.1e" % np.max(np.abs(deep_linear(x_test) - (x_test @ W + b))))
assert np.allclose(deep_linear(x_test), x_test @ W + b)
assert W.size + b.size < n_deep / 9

# %% [markdown]
# Three layers, and exactly the functions that one layer with a tenth of the
# parameters (counted above) can represent. With the ReLU between the layers the map is no
# longer affine. One witness is enough: an affine map sends the midpoint of two
# inputs to the midpoint of their outputs.

# %%
relu_net = intro.random_net_1d(depth=3, width=8, activation="relu", seed=0)
lin_net = intro.random_net_1d(depth=3, width=8, activation="linear", seed=0)
a, b_ = np.array([[-2.0]]), np.array([[1.5]])
for name, f in [("linear layers", lin_net), ("ReLU layers", relu_net)]:
    gap = (f((a + b_) / 2).value - (f(a).value + f(b_).value) / 2).item()
    print("%-14s f(midpoint) - midpoint of f: %+.4f" % (name, gap))
assert abs((lin_net((a + b_) / 2).value - (lin_net(a).value + lin_net(b_).value) / 2).item()) < 1e-12
assert abs((relu_net((a + b_) / 2).value - (relu_net(a).value + relu_net(b_).value) / 2).item()) > 1e-2

# %% [markdown]
# A ReLU network is still *piecewise* linear: each unit switches between 0 and a
# linear function, so the input line is cut into pieces on which the network is
# linear. Count the pieces of random networks of width 8 on $x\in[-3,3]$ as depth
# grows (the pieces are found from changes of slope on a fine grid):

# %%
grid = np.linspace(-3, 3, 4001)
print("depth   pieces (linear layers)   pieces (ReLU layers)")
pieces = {}
for depth in [1, 2, 4, 8]:
    counts = [intro.linear_pieces(grid, intro.random_net_1d(depth, 8, act, seed=0)(grid[:, None]).value[:, 0])
              for act in ("linear", "relu")]
    pieces[depth] = counts
    print("%5d   %22d   %20d" % (depth, *counts))
assert all(lin == 1 for lin, _ in pieces.values())
assert pieces[8][1] > pieces[1][1] > 1

# %% [markdown]
# The figure shows the two networks of depth 3. Below it, move the sliders: the
# linear network stays a straight line at any depth and width; the ReLU network
# grows more kinks as it gets deeper.

# %%
plots.deep_nets_1d(depth=3, width=8, seed=0)

# %% tags=["nbval-ignore-output"]
widgets.deep_nets()

# %% [markdown]
# ## 3. Three ways to make a linear model nonlinear
#
# Linear models, such as linear or logistic regression, are attractive: they fit
# reliably, often in closed form or by convex optimisation. Their weakness is
# that they are linear in $\boldsymbol x$. The classic remedy is to apply the
# linear model to a transformed input $\phi(\boldsymbol x)$: the model is then
# linear in $\phi$ but nonlinear in $\boldsymbol x$. The question is how to
# choose $\phi$. There are three answers.
#
# ### (a) A very generic $\phi$
#
# Kernel machines use $\phi$ implicitly through a kernel, for example the RBF
# kernel $k(\boldsymbol u, \boldsymbol v) = \exp(-\gamma\lVert \boldsymbol u -
# \boldsymbol v\rVert^2)$, whose $\phi$ is infinite-dimensional. Such a $\phi$ has
# enough capacity to fit any training set. But the only thing it assumes about
# $f^*$ is that nearby inputs have similar outputs, so it generalises by local
# smoothness alone. Here is kernel ridge regression on 30 noisy samples of
# $\sin x$ in $[-3,3]$ (noise standard deviation 0.1), for three kernel widths;
# "far" is the mean $|\hat f(x)|$ on $[5, 8]$, where $|\sin x|$ averages 0.63.

# %%
rbf = intro.rbf_experiment(gammas=(0.3, 3.0, 300.0))
print("   gamma   train MSE   test MSE   far")
for row in rbf["rows"]:
    print("%8g   %9.4f   %8.4f   %.4f" % (row["gamma"], row["train"], row["test"], row["far"]))
narrow = rbf["rows"][-1]
assert narrow["train"] < 0.01 < 0.1 < narrow["test"]       # memorises the noise, misses sin
assert all(row["far"] < 0.2 < row["far_target"] for row in rbf["rows"])

# %%
plots.rbf_fits()

# %% [markdown]
# The narrow kernel ($\gamma=300$) fits the training points better than the noise
# allows (train MSE below the noise variance 0.01) and is useless between them.
# All three fade towards 0 away from the data: nothing in a generic kernel knows
# that the pattern repeats.
#
# ### (b) A hand-made $\phi$
#
# Before deep learning, the usual answer was to design $\phi$ by hand for the
# task. With the right feature it works very well; the cost is that a person
# has to find a feature for every new task. Logistic regression on two datasets,
# with three feature maps (training accuracy):

# %%
acc = intro.feature_experiment()
features = list(intro.FEATURES)
print("%-8s" % "" + "".join("%22s" % f for f in features))
for data in ("rings", "XOR"):
    print("%-8s" % data + "".join("%22.3f" % acc[(data, f)] for f in features))
assert acc[("rings", "raw x")] < 0.6 and acc[("XOR", "raw x")] < 0.6
assert acc[("rings", "squares (x1², x2²)")] > 0.99 and acc[("XOR", "squares (x1², x2²)")] < 0.6
assert acc[("XOR", "product x1·x2")] > 0.95 and acc[("rings", "product x1·x2")] < 0.6

# %%
plots.feature_maps()

# %% [markdown]
# Squares separate the rings and fail on XOR; the product separates XOR and
# fails on the rings. Each feature encodes one person's insight into one task.
#
# ### (c) A learned $\phi$
#
# Deep learning learns the feature map: $\phi(\boldsymbol x;\boldsymbol\theta)$
# is a hidden layer $\max\{0, \boldsymbol x\boldsymbol W + \boldsymbol c\}$ whose
# parameters are trained together with the linear output layer on top of it.
# The same network, 2 inputs → 8 ReLU units → 1 output, trained on both datasets
# from three random starts (training accuracy):

# %%
learned = intro.learned_features_experiment(seeds=(0, 1, 2))
for data in ("rings", "XOR"):
    print("%-6s" % data + "".join("   seed %d: %.3f" % (s, learned[(data, s)]) for s in (0, 1, 2)))
assert all(learned[("rings", s)] == 1.0 for s in (0, 1, 2))
assert max(learned[("XOR", s)] for s in (0, 1, 2)) > 0.99
assert min(learned[("XOR", s)] for s in (0, 1, 2)) < 0.8        # one start gets stuck

# %% [markdown]
# One architecture handles both tasks, without anyone designing a feature. The
# price is visible too: the training objective is no longer convex, and the run
# from seed 0 stopped in a poor solution on XOR. The rest of the chapter is about
# this trade: how to design such networks (6.2–6.4) and how to compute the
# gradients that train them (6.5). The next notebook starts small, with XOR.
#
# ## 4. The chapter map

# %%
display(Markdown(chapters.markdown_table()))

# %% [markdown]
# ## 5. Exercises
#
# ### Exercise 1: collapse three linear layers
#
# The three affine layers below map $\mathbb R^3 \to \mathbb R^4 \to \mathbb R^2
# \to \mathbb R^2$ (a row $\boldsymbol x$ becomes $\boldsymbol x\boldsymbol W_k +
# \boldsymbol b_k$). Find the single $\boldsymbol W$ and $\boldsymbol b$ with the
# same effect, using numpy.

# %%
ex_layers = intro.exercise_layers()
for k, (Wk, bk) in enumerate(ex_layers, 1):
    print("W%d =\n%s\nb%d = %s\n" % (k, Wk, k, bk))

# %%
W_answer = ...   # your W, shape (3, 2)
b_answer = ...   # your b, shape (2,)
exercises.check_collapse(W_answer, b_answer)

# %% [markdown]
# *Solution* (expand the hidden cell):

# %% jupyter={"source_hidden": true}
(W1, b1), (W2, b2), (W3, b3) = ex_layers
W_solution = W1 @ W2 @ W3
b_solution = (b1 @ W2 + b2) @ W3 + b3
exercises.check_collapse(W_solution, b_solution)

# %% [markdown]
# ### Exercise 2: count the parameters
#
# How many parameters (weights and biases) does an MLP with layer sizes
# 784 → 256 → 256 → 10 have? Work it out by hand, then check your number.

# %%
n_parameters = ...   # your count
exercises.check_parameter_count(n_parameters)

# %% [markdown]
# *Solution:*

# %% jupyter={"source_hidden": true}
n_solution = 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10
assert n_solution == sum(p.value.size for p in c6.nn.MLP([784, 256, 256, 10]).parameters())
exercises.check_parameter_count(n_solution)

# %% [markdown]
# ### Exercise 3: which activations leave a deep network affine?
#
# With which of these activations $g$ does *every* deep network collapse to a
# single affine map, as in section 2? Answer with a set of letters.

# %%
for letter, text in exercises.ACTIVATION_CHOICES.items():
    print(letter, text)

# %%
affine_choices = ...   # e.g. {"a", "c"}
exercises.check_linear_activations(affine_choices)

# %% [markdown]
# *Solution:* evaluate each $g$ and test whether it is affine, $g(z) = az + c$.

# %% jupyter={"source_hidden": true}
z = np.linspace(-2, 2, 9)
candidates = {"a": np.maximum(0, z), "b": np.maximum(0, z) - np.maximum(0, -z),
              "c": np.abs(z), "d": 2 * z + 1, "e": np.tanh(z)}
affine_solution = {k for k, g in candidates.items() if np.allclose(g, np.polyval(np.polyfit(z, g, 1), z))}
exercises.check_linear_activations(affine_solution)
