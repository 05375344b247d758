"""S4 Gaussian data written as an IVISIT 0.72 script (chapter 6, "Bringing an IVISIT project over").

A script, not a module to import: it starts with ``from ivisit import *``. It runs unchanged under
IVISIT (``python ivisit_gauss_script.py``, Tk GUI) and under neuroplastic.sim through
``neuroplastic.sim.ivisit.run_script(path, steps=n)`` (headless) or, with the first import line
replaced by ``from neuroplastic.sim.ivisit import *``, in Jupyter. It computes what
:class:`~neuroplastic.experiments.simulations.gaussian.GaussData` computes (same seeds, same
formulas), in
IVISIT's style: parameter and data classes, ``isModified`` on widget names, a Matplotlib figure
shown as an IMAGE through ``getMatplotlibImage``.
"""
# ruff: noqa: F405
#@IVISIT:SIMULATION     & gauss_data_ivisit
#@IVISIT:SLIDER         & seed     & [200,1]          & [0,100,5,1]   & seed     & -1 & int & 0
#@IVISIT:DICTSLIDER     & Class 1  & [200,20,-1,2,10] & class1 & 0
#@IVISIT:DICTSLIDERITEM & N        & [0,200,5,1]      & N        & int    & 75
#@IVISIT:DICTSLIDERITEM & mu_1     & [-5,5,5,0.1]     & mu_1     & float  & -1.0
#@IVISIT:DICTSLIDERITEM & mu_2     & [-5,5,5,0.1]     & mu_2     & float  & 2.0
#@IVISIT:DICTSLIDERITEM & Sigma_11 & [0,5,5,0.1]      & Sigma_11 & float  & 2.0
#@IVISIT:DICTSLIDERITEM & Sigma_22 & [0,5,5,0.1]      & Sigma_22 & float  & 3.0
#@IVISIT:DICTSLIDERITEM & Sigma_12 & [-5,5,5,0.1]     & Sigma_12 & float  & 0.5
#@IVISIT:DICTSLIDER     & Class 2  & [200,20,-1,2,10] & class2 & 0
#@IVISIT:DICTSLIDERITEM & N        & [0,200,5,1]      & N        & int    & 100
#@IVISIT:DICTSLIDERITEM & mu_1     & [-5,5,5,0.1]     & mu_1     & float  & 2.0
#@IVISIT:DICTSLIDERITEM & mu_2     & [-5,5,5,0.1]     & mu_2     & float  & -1.0
#@IVISIT:DICTSLIDERITEM & Sigma_11 & [0,5,5,0.1]      & Sigma_11 & float  & 2.0
#@IVISIT:DICTSLIDERITEM & Sigma_22 & [0,5,5,0.1]      & Sigma_22 & float  & 1.0
#@IVISIT:DICTSLIDERITEM & Sigma_12 & [-5,5,5,0.1]     & Sigma_12 & float  & 0.5
#@IVISIT:IMAGE          & Data       & 1.0 & [0,255] & im_data & int
#@IVISIT:TEXT_OUT       & Statistics & [50,6] & just_left & stats
import math

import numpy as np
from ivisit import *  # noqa: F403 (an IVISIT script, run unchanged)
from ivisit.matplotlib import getMatplotlibFigure, getMatplotlibImage


class SimParameters:
    seed = 0
    class1 = {"N": 75, "mu_1": -1.0, "mu_2": 2.0, "Sigma_11": 2.0, "Sigma_22": 3.0, "Sigma_12": 0.5}
    class2 = {"N": 100, "mu_1": 2.0, "mu_2": -1.0,
              "Sigma_11": 2.0, "Sigma_22": 1.0, "Sigma_12": 0.5}


class SimData:
    im_data = np.zeros((360, 360, 3), dtype=np.uint8)
    stats = ""


class Sim(IVisit_Simulation):
    def __init__(self, name_arg="gauss_data_ivisit"):
        IVisit_Simulation.__init__(self, name_arg, SimParameters, SimData)

    def main_init(self, parent=None):
        IVisit_Simulation.main_init(self, parent)
        self.fig = getMatplotlibFigure(figsize=(4.5, 4.5), dpi=80)

    def init(self):
        self.generate()

    def step(self):
        if self.isModified("seed") or self.isModified("Class 1") or self.isModified("Class 2"):
            self.generate()

    def generate(self):
        p, d = self.parameters, self.data
        streams = np.random.SeedSequence(int(p.seed)).spawn(2)   # one stream per class
        self.X, msg = [], []
        for name, ss in zip(("class1", "class2"), streams):
            q, rng = getattr(p, name), np.random.default_rng(ss)
            s11, s22, s12 = q["Sigma_11"], q["Sigma_22"], q["Sigma_12"]
            if abs(s12) > math.sqrt(s11 * s22) + 1e-12:
                X = np.empty((0, 2))
                msg.append(f"{name}: |Sigma_12| must be <= sqrt(Sigma_11 Sigma_22); nothing drawn")
            else:
                w, V = np.linalg.eigh(np.array([[s11, s12], [s12, s22]], dtype=np.float64))
                A = V * np.sqrt(np.clip(w, 0, None))
                X = np.array([q["mu_1"], q["mu_2"]]) + rng.standard_normal((int(q["N"]), 2)) @ A.T
                if len(X) < 2:
                    m, S = np.full(2, np.nan), np.full((2, 2), np.nan)
                else:
                    m, S = X.mean(0), np.cov(X.T)
                msg.append(f"{name}: n={len(X)} mean=({m[0]:.2f}, {m[1]:.2f}) "
                           f"cov=[{S[0, 0]:.2f} {S[0, 1]:.2f}; {S[1, 1]:.2f}]")
            self.X.append(X)
        d.stats = "\n".join(msg)
        self.fig.clear()
        ax = self.fig.add_subplot(111)
        for X, m, col in zip(self.X, "xo", ("tab:red", "tab:blue")):
            ax.scatter(X[:, 0], X[:, 1], marker=m, s=14, c=col)
        ax.set(xlim=(-8, 8), ylim=(-8, 8), xlabel="$x_1$", ylabel="$x_2$")
        d.im_data = getMatplotlibImage(self.fig)


if __name__ == "__main__":
    sim = Sim()
    IVisit_main(sim=sim)
