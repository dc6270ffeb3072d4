# %% [markdown]
# # 6.1 Example: Learning XOR
#
# XOR is the smallest task on which a linear model fails and a network with one
# hidden layer succeeds. In this notebook you will
#
# - solve the linear model exactly and see that it can only answer 1/2;
# - prove that no line separates XOR, and check the proof numerically;
# - run the book's hand-made network step by step and see how its hidden layer
#   folds the input space so that a line *does* separate the classes;
# - move every parameter of the network with sliders;
# - train the same network from 100 random starts with ch6lib's gradients, and
#   explain every failure: dead units, flat regions, local minima.
#
# Every number in the text is computed in a cell, and cells that state a fact
# end in `assert`.

# %%
import numpy as np

import ch6lib as c6
from ch6lib import exercises, plots, widgets, xor

c6.notebook.setup()

# %% [markdown]
# ## 1. The task
#
# XOR ("exclusive or") takes two bits and returns 1 when exactly one of them is
# 1. Our target function $f^*$ is XOR, and the training set is all four
# points:
#
# $$\mathbb X = \{(0,0), (0,1), (1,0), (1,1)\},\qquad f^*(0,0) = f^*(1,1) = 0,\quad f^*(0,1) = f^*(1,0) = 1.$$
#
# We only ask the model to fit these four points; generalisation is not the
# question here. To keep the algebra simple we treat it as regression with the
# mean squared error
#
# $$J(\boldsymbol\theta) = \frac14 \sum_{\boldsymbol x\in\mathbb X}\big(f^*(\boldsymbol x) - f(\boldsymbol x;\boldsymbol\theta)\big)^2 .$$
#
# (For binary targets, section 6.2.2.2 will argue for the cross-entropy
# instead.)

# %%
X, y = c6.datasets.xor()
for xi, yi in zip(X, y):
    print("x = %s   f*(x) = %d" % (xi.astype(int), yi))
assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))

# %% [markdown]
# ## 2. A linear model can only say 1/2
#
# Try $f(\boldsymbol x;\boldsymbol w, b) = \boldsymbol x^\top\boldsymbol w + b$.
# $J$ is a convex quadratic in $(\boldsymbol w, b)$, so its minimum solves the
# normal equations $\boldsymbol A^\top\boldsymbol A\,\boldsymbol\theta =
# \boldsymbol A^\top\boldsymbol y$, where $\boldsymbol A = [\boldsymbol X\;
# \boldsymbol 1]$ stacks the inputs with a column of ones for the bias.

# %%
w_lin, b_lin = xor.normal_equations(X, y)
print("w =", w_lin, "  b =", b_lin)
print("predictions:", X @ w_lin + b_lin, "  J =", np.mean((X @ w_lin + b_lin - y) ** 2))
assert np.allclose(w_lin, 0) and np.isclose(b_lin, 0.5)

# the gradient of J is zero there (computed by back-propagation):
J = lambda w, b: c6.mean((X @ w + b - y) ** 2)
grad_w, grad_b = c6.grad(J, (0, 1))(w_lin, b_lin)
print("gradient of J at the solution:", grad_w, grad_b)
assert np.allclose(grad_w, 0) and np.isclose(grad_b, 0)

# %% [markdown]
# The best linear model ignores the input and predicts $\frac12$ everywhere,
# with $J=\frac14$. This is not a failure of the fitting: *no* affine function
# can do better in the sense that matters, because none separates the classes.
# For any affine $f(\boldsymbol x) = w_1x_1 + w_2x_2 + b$,
#
# $$f(0,1) + f(1,0) = w_1 + w_2 + 2b = f(0,0) + f(1,1).$$
#
# If $f$ were above $\frac12$ on both class-1 inputs and below $\frac12$ on both
# class-0 inputs, the left side would exceed 1 and the right side would be
# below 1. Check the identity on many random affine functions:

# %%
rng = np.random.default_rng(0)
ws, bs = rng.standard_normal((1000, 2)), rng.standard_normal(1000)
f = lambda x: ws @ x + bs
gap = (f(X[1]) + f(X[2])) - (f(X[0]) + f(X[3]))
print("largest |f(0,1) + f(1,0) - f(0,0) - f(1,1)| over 1000 random lines: %.1e" % np.max(np.abs(gap)))
assert np.allclose(gap, 0)

# %%
plots.xor_input_space()

# %% [markdown]
# ## 3. The book's network
#
# Add one hidden layer of two units. With $\boldsymbol x$ written as a column,
# the network computes
#
# $$\boldsymbol h = g(\boldsymbol W^\top\boldsymbol x + \boldsymbol c),\qquad
#   \hat y = \boldsymbol w^\top\boldsymbol h + b,$$
#
# where $g(z) = \max\{0, z\}$ is the rectified linear unit applied to each entry.
# $W_{ij}$ is the weight from input $i$ to hidden unit $j$. With a batch of
# inputs stored as the rows of $\boldsymbol X$ this reads $\boldsymbol H =
# g(\boldsymbol X\boldsymbol W + \boldsymbol c)$, $\hat{\boldsymbol y} =
# \boldsymbol H\boldsymbol w + b$. The book gives a solution:
#
# $$\boldsymbol W = \begin{bmatrix}1 & 1\\ 1 & 1\end{bmatrix},\quad
#   \boldsymbol c = \begin{bmatrix}0\\ -1\end{bmatrix},\quad
#   \boldsymbol w = \begin{bmatrix}1\\ -2\end{bmatrix},\quad b = 0.$$
#
# Follow it one operation at a time:

# %%
W, c, w, b = (xor.BOOK_SOLUTION[k] for k in "Wcwb")
XW = X @ W
print("X W =\n", XW)
pre = XW + c
print("X W + c =\n", pre)
H = np.maximum(0, pre)
print("H = max(0, X W + c) =\n", H)
y_hat = H @ w + b
print("y_hat = H w + b =", y_hat)

assert np.array_equal(XW, [[0, 0], [1, 1], [1, 1], [2, 2]])
assert np.array_equal(H, [[0, 0], [1, 0], [1, 0], [2, 1]])
assert np.array_equal(y_hat, [0, 1, 1, 0])                   # exactly XOR

# %% [markdown]
# The network is exactly right on all four points. Where did the nonlinearity
# help? Both hidden units compute the same projection $x_1 + x_2$ (the columns
# of $\boldsymbol W$ are equal) and differ only in their threshold: $h_1$
# counts the inputs that are on, $h_2$ fires only when both are. The two inputs
# $(0,1)$ and $(1,0)$ land on the *same* point $\boldsymbol h = (1,0)$. In the
# learned space $\boldsymbol h$ the classes are separated by the line $\hat y =
# h_1 - 2h_2 = \frac12$ (Figure 6.1 of the book):

# %%
plots.xor_spaces()

# %% [markdown]
# The same network drawn unit by unit and layer by layer (Figure 6.2), and its
# activation function (Figure 6.3):

# %%
plots.xor_network_diagram()

# %%
plots.relu()

# %% [markdown]
# ## 4. Move the parameters yourself
#
# Not every plausible-looking matrix works. A version of this example that
# circulates in study notes uses $\boldsymbol W = \begin{bmatrix}1 & 2\\ 3 &
# 4\end{bmatrix}$ with the same $\boldsymbol c$ and $\boldsymbol w$. Compute it:

# %%
W_wrong = np.array([[1.0, 2.0], [3.0, 4.0]])
H_wrong, y_wrong = xor.forward(W_wrong, c, w, b)
print("H =\n", H_wrong)
print("y_hat =", y_wrong, "  J = %.4f" % np.mean((y_wrong - y) ** 2))
assert not np.allclose(y_wrong, y)
assert not np.allclose(H_wrong[1], H_wrong[2])     # (0,1) and (1,0) no longer meet

# %% [markdown]
# With unequal columns the two hidden units look at *different* projections of
# $\boldsymbol x$, so $(0,1)$ and $(1,0)$ map to different points of
# $\boldsymbol h$, and nothing makes $h_2$ fire only for $(1,1)$. The output
# weights $\boldsymbol w = (1,-2)$ were chosen for the book's $\boldsymbol h$; on
# this one they give $0, -3, -1, -6$.
#
# The explorer below starts at the book's solution. Every slider is a parameter
# ($W_{ij}$ is the weight from $x_i$ to $h_j$). The panels show the input space,
# the hidden space, and the output $\hat y$ over the square $[-0.5, 1.5]^2$; the
# title gives the four outputs and $J$. Try to break the solution, then repair
# it; try the wrong $\boldsymbol W$ above.

# %%
plots.xor_explorer(W11=1, W12=2, W21=3, W22=4)

# %% tags=["nbval-ignore-output"]
widgets.xor_explorer()

# %% [markdown]
# ## 5. Learning XOR by gradient descent
#
# The book found its solution by hand. Now let gradient descent find one: the
# same architecture, weights drawn from $\mathcal N(0, 1)$ (He's scale for two
# inputs), biases 0, full-batch gradient descent on $J$ with learning rate 0.1
# for 2000 steps, gradients from ch6lib's back-propagation. We train 100
# networks at once: every parameter gets a leading "seed" axis, and the loss is
# the *sum* of the 100 losses, so each network's gradient is the gradient of its
# own loss.

# %%
runs = xor.train(range(100), lr=0.1, steps=2000, progress="100 networks")
solved = runs.final < 1e-3
print("solved: %d of %d starts" % (solved.sum(), len(solved)))
print("final J of the others:", np.unique(np.round(runs.final[~solved], 4)))
assert solved.sum() < 25
plateaus = np.array([1 / 8, 1 / 6, 1 / 4])
assert np.all(np.min(np.abs(runs.final[~solved, None] - plateaus), axis=1) < 1e-6)

# %% [markdown]
# Fewer than a quarter of the starts solve XOR, and every failure stops at one of
# a few exact values of $J$. Why? Each hidden unit is either *on* for an input
# (positive pre-activation) or *off* (output 0, and zero slope). Which inputs
# switch each unit on decides what the network can express. Sorting the runs by
# those patterns at the end of training:

# %%
categories = xor.classify(runs.params, runs.final)
for name, why in xor.CATEGORIES.items():
    members = [i for i, cat in enumerate(categories) if cat == name]
    values = np.unique(np.round(runs.final[members], 4)) if members else []
    print("%-17s %3d runs   final J %-18s %s" % (name, len(members), values, why))

# %%
plots.xor_seed_study(runs, categories)

# %% [markdown]
# **Dead units are flat regions.** A unit that is off for all four inputs
# outputs 0 whatever its weights are, so the gradient of $J$ with respect to
# its incoming weights and bias is exactly zero, and gradient descent never
# moves them again. Take a run whose two units both died and compute the
# gradient:

# %%
k = categories.index("both units dead")
p = runs.network(k)
loss = lambda W, c, w, b: xor.mse(xor.forward(W, c, w, b)[1])
g = c6.grad(loss, (0, 1, 2, 3))(p["W"], p["c"], p["w"], p["b"])
print("seed %d: pre-activations X W + c =\n%s" % (runs.seeds[k], X @ p["W"] + p["c"]))
print("gradients: dJ/dW =\n%s\ndJ/dc = %s  dJ/dw = %s  dJ/db = %.2e" % (g[0], g[1], g[2], g[3]))
assert np.all(X @ p["W"] + p["c"] <= 0)
assert np.all(g[0] == 0) and np.all(g[1] == 0) and np.all(g[2] == 0)
print("b = %.6f, J = %.6f" % (p["b"], runs.final[k]))
assert np.isclose(p["b"], 0.5) and np.isclose(runs.final[k], 0.25)

# %% [markdown]
# With both units dead the output is the constant $b$, which converged to the
# mean target $\frac12$: $J = \frac14$. With one dead unit, the network is a
# one-unit network, and the best one unit can do is $J=\frac16$ (exercise 3
# proves it). A *linear* run has every live unit on for all four inputs: then
# $g(z)=z$ on the data, the network is affine there, and it can do no better
# than the linear model, $J=\frac14$. A *stuck* run has two live units whose
# on/off patterns cannot produce XOR. Small steps keep each pre-activation on
# the same side of zero, so the patterns, and the plateau, stay: every stuck
# run ends where the gradient vanishes.

# %%
stuck = [i for i, cat in enumerate(categories) if cat == "stuck"]
grad_J = c6.grad(loss, (0, 1, 2, 3))
largest = max(max(np.max(np.abs(gi)) for gi in grad_J(*(runs.network(i)[n] for n in "Wcwb")))
              for i in stuck)
print("%d stuck runs; largest gradient entry at their end: %.1e" % (len(stuck), largest))
assert largest < 1e-6

# %% [markdown]
#
# None of this is a flaw of gradient descent in general: the network is as small
# as XOR allows. Wider networks, other initialisations and other activations
# (section 6.3) change the odds; ReLU's zero slope is also why its users
# initialise biases slightly positive, as section 6.3.1 will discuss.
#
# Pick a seed, a learning rate and a step below to watch one run: its loss curve
# and its output surface $\hat y(\boldsymbol x)$ at step $t$. The figure first
# shows the first successful seed.

# %%
first = int(np.argmax(solved))
one_run = widgets.trained_run(first, lr=0.1, steps=1000)      # the widget below reuses it
print("seed %d: J = %.2e after %d steps" % (first, one_run.final[0], 1000))
plots.xor_training(one_run, 0, step=1000)

# %% tags=["nbval-ignore-output"]
widgets.xor_training(seed=first)

# %% [markdown]
# ## 6. Exercises
#
# ### Exercise 1: the hidden representation by hand
#
# Without running the network, write down $\boldsymbol h = \max\{0,
# \boldsymbol W^\top\boldsymbol x + \boldsymbol c\}$ for the book's parameters
# and each of the four inputs, one row per input in the order (0,0), (0,1),
# (1,0), (1,1).

# %%
h_answer = ...   # a 4 x 2 array
exercises.check_xor_hidden(h_answer)

# %% [markdown]
# *Solution:*

# %% jupyter={"source_hidden": true}
# x W = (x1 + x2, x1 + x2); adding c = (0, -1) and clipping at 0:
h_solution = np.array([[0, 0], [1, 0], [1, 0], [2, 1]])
exercises.check_xor_hidden(h_solution)

# %% [markdown]
# ### Exercise 2: another exact solution
#
# Find parameters, different from the book's, for which the network outputs
# exactly 0, 1, 1, 0. (The explorer above is a good place to search.)

# %%
W_answer, c_answer, w_answer, b_answer = ..., ..., ..., ...
exercises.check_xor_solution(W_answer, c_answer, w_answer, b_answer)

# %% [markdown]
# *Solution:* one way uses $\max\{0, az\} = a\max\{0, z\}$ for $a > 0$: make
# the second unit twice as large and halve its outgoing weight.

# %% jupyter={"source_hidden": true}
W_solution = np.array([[1.0, 2.0], [1.0, 2.0]])
c_solution = np.array([0.0, -2.0])
w_solution = np.array([1.0, -1.0])
exercises.check_xor_solution(W_solution, c_solution, w_solution, 0.0)

# %% [markdown]
# ### Exercise 3: what one hidden unit can and cannot do
#
# Keep a single hidden unit: $\hat y = w\max\{0, \boldsymbol u^\top\boldsymbol x
# + c\} + b$. Can this network fit XOR exactly? What is the smallest $J$ it can
# reach? (Hint: what does the identity of section 2 say about the single
# pre-activation $p = \boldsymbol u^\top\boldsymbol x + c$?)

# %%
can_fit_exactly = ...   # True or False
best_J = ...            # a number
exercises.check_one_hidden_unit(can_fit_exactly, best_J)

# %% [markdown]
# *Solution:* $\hat y$ is a monotone function of $p$, and $p(0,1) + p(1,0) =
# p(0,0) + p(1,1)$, so the class-1 inputs cannot both lie beyond the class-0
# inputs on the $p$ axis: no exact fit. Switching the unit on for $(1,1)$ only
# fits that point exactly and leaves $\hat y = b$ on the other three, best at
# their mean $\frac23$: $J = \frac14\left(\frac49 + \frac19 + \frac19\right) =
# \frac16$. Gradient descent from 100 random starts agrees:

# %% jupyter={"source_hidden": true}
best, params = xor.single_unit_search(starts=100, steps=1000)
print("best J found: %.6f   (1/6 = %.6f)" % (best, 1 / 6))
assert abs(best - 1 / 6) < 1e-6
exercises.check_one_hidden_unit(False, best)
