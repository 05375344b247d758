"""S5 Interactive classification of the S4 data: k-NN, nearest class mean and Gaussian QDA (numpy
kernels in :mod:`neuroplastic.sim.mlkit`), with click/drag editing of the data set."""
import time

import numpy as np

from neuroplastic.experiments.simulations.gaussian import GaussData
from neuroplastic.sim import Checkbox, Displays, Plot, Radio, Slider, TextOut, mlkit

ACTIONS = {"query": "click", "add class 0": "click", "add class 1": "click",
           "delete nearest": "click", "move point": "drag"}


class Classify(GaussData):
    name = "classify"
    pointer_parameter = "action"
    pointer_actions = ACTIONS

    class P(GaussData.P):
        classifiers = Checkbox(mlkit.CLASSIFIERS, default=(True, False, False))
        K = Slider(1, 50, step=1, default=5, dtype=int)
        S = Slider(2, 20, step=1, default=5, dtype=int)
        action = Radio(tuple(ACTIONS), default="query")

    class D(Displays):
        regions = Plot(figsize=(4.5, 4.5), dpi=80)
        results = TextOut(cols=60, rows=8)

    def __init__(self, grid=60, **kw):
        super().__init__(**kw)
        self.grid, self.query, self.moving = int(grid), (0.0, 0.0), None

    def generate(self):
        super().generate()
        self.Xy = np.concatenate(self.X), np.repeat([0, 1], [len(x) for x in self.X])

    def step(self):
        if self.key != self.data_key():
            self.generate()
        X, y = self.Xy
        lines = [f"query x = ({self.query[0]:.2f}, {self.query[1]:.2f}); n = {len(X)}"]
        for m in self.p.spec("classifiers").selected(self.p.classifiers):
            t0 = time.perf_counter()
            post = mlkit.posterior(m, X, y, [self.query], self.p.K)[0]
            err = mlkit.cv_error(m, X, y, K=self.p.K, S=self.p.S, seed=self.seed)
            lines.append(f"{m:>18}: class {int(post > 0.5)}, P(1|x) = {post:.2f}, "
                         f"{self.p.S}-fold CV error = "
                         f"{err:.3f} ({1e3 * (time.perf_counter() - t0):.0f} ms)")
        self.d.results = "\n".join(lines)

    def on_pointer(self, action, kind, pos, start, prev):
        X, y = self.Xy
        near = int(np.argmin(((X - np.array(start)) ** 2).sum(1))) if len(X) else None
        if action == "query":
            self.query = pos
        elif action.startswith("add class"):
            self.Xy = np.vstack([X, pos]), np.append(y, int(action[-1]))
        elif action == "delete nearest" and near is not None:
            self.Xy = np.delete(X, near, 0), np.delete(y, near)
        elif action == "move point" and near is not None:
            if kind == "drag_start":
                self.moving = near
            if self.moving is not None:
                X = X.copy()
                X[self.moving] = pos
                self.Xy = X, y
            if kind == "drag_end":
                self.moving = None

    def draw_regions(self, fig):
        ax = fig.add_subplot(111)
        X, y = self.Xy
        sel = self.p.spec("classifiers").selected(self.p.classifiers)
        if sel and len(X):
            g = np.linspace(-8, 8, self.grid)
            G = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
            Z = mlkit.posterior(sel[0], X, y, G, self.p.K).reshape(self.grid, self.grid)
            ax.contourf(g, g, Z, levels=[0, 0.5, 1], colors=["#f6d5d5", "#d5def6"])
        ax.scatter(X[y == 0, 0], X[y == 0, 1], marker="x", s=14, c="tab:red")
        ax.scatter(X[y == 1, 0], X[y == 1, 1], marker="o", s=14, facecolors="none",
                   edgecolors="tab:blue")
        ax.plot(*self.query, "k*", ms=12)
        ax.set(xlim=(-8, 8), ylim=(-8, 8), xlabel="$x_1$", ylabel="$x_2$")
