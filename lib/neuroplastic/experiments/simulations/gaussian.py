"""S4 Gaussian data generation (parameter names and ranges from public IVISIT course scripts
[C])."""
import numpy as np

from neuroplastic.sim import (
    DictSlider,
    Displays,
    Parameters,
    Plot,
    Simulation,
    Slider,
    TextOut,
    mlkit,
)


def class_params(N, mu_1, mu_2, s11, s22, s12):
    return DictSlider({"N": Slider(0, 200, step=1, default=N, dtype=int),
                       "mu_1": Slider(-5.0, 5.0, step=0.1, default=mu_1),
                       "mu_2": Slider(-5.0, 5.0, step=0.1, default=mu_2),
                       "Sigma_11": Slider(0.0, 5.0, step=0.1, default=s11),
                       "Sigma_22": Slider(0.0, 5.0, step=0.1, default=s22),
                       "Sigma_12": Slider(-5.0, 5.0, step=0.1, default=s12)})


class GaussData(Simulation):
    name = "gauss_data"

    class P(Parameters):
        seed = Slider(0, 100, step=1, default=0, dtype=int)
        class1 = class_params(75, -1.0, 2.0, 2.0, 3.0, 0.5)
        class2 = class_params(100, 2.0, -1.0, 2.0, 1.0, 0.5)

    class D(Displays):
        data = Plot(figsize=(4.5, 4.5), dpi=80)
        stats = TextOut(cols=50, rows=6)

    def data_key(self):
        return self.seed, tuple(self.p.class1.values()), tuple(self.p.class2.values())

    def init(self):
        self.generate()

    def generate(self):
        """One spawned stream per class: changing one class leaves the other's samples unchanged."""
        self.X, self.msg, self.key = [], [], self.data_key()
        for name, rng in zip(("class1", "class2"), self.spawn(2)):
            q = getattr(self.p, name)
            try:
                X = mlkit.gauss_2d(q["N"], q["mu_1"], q["mu_2"], q["Sigma_11"], q["Sigma_22"],
                                   q["Sigma_12"], rng)
                m, S = mlkit.sample_stats(X)
                self.msg.append(f"{name}: n={len(X)} mean=({m[0]:.2f}, {m[1]:.2f}) "
                                f"cov=[{S[0, 0]:.2f} {S[0, 1]:.2f}; {S[1, 1]:.2f}]")
            except ValueError:
                X = np.empty((0, 2))
                self.msg.append(f"{name}: |Sigma_12| must be <= sqrt(Sigma_11 Sigma_22); "
                                "nothing drawn")
            self.X.append(X)

    def step(self):
        if self.key != self.data_key():
            self.generate()
        self.d.stats = "\n".join(self.msg)

    def draw_data(self, fig):
        ax = fig.add_subplot(111)
        for X, m, col in zip(self.X, "xo", ("tab:red", "tab:blue")):
            ax.scatter(X[:, 0], X[:, 1], marker=m, s=14, c=col)
        ax.set(xlim=(-8, 8), ylim=(-8, 8), xlabel="$x_1$", ylabel="$x_2$")
        return ax
