"""S2/S3 Three leaky integrate-and-fire neurons with a fast scope (``LIFScope``) or a
Matplotlib plot (``LIFPlot``). Units: ms, mV, Hz. The model lives in :mod:`neuroplastic.sim.lif`."""
import numpy as np

from neuroplastic.sim import (
    DictSlider,
    Displays,
    Parameters,
    Plot,
    Scope,
    Simulation,
    Slider,
    TextOut,
    Timing,
    lif,
)

E_L = V_R = -65.0  # resting and reset potential (mV)


class LIFScope(Simulation):
    name = "lif_scope"
    timing = Timing(steps_per_frame=10)

    class P(Parameters):
        seed = Slider(0, 100, step=1, default=0, dtype=int)
        tau = Slider(1.0, 50.0, step=0.5, default=10.0)        # membrane time constant (ms)
        theta = Slider(-60.0, -40.0, step=0.5, default=-50.0)  # threshold (mV)
        t_ref = Slider(0.0, 10.0, step=0.1, default=2.0)       # refractory time (ms)
        sigma_v = Slider(0.0, 10.0, step=0.1, default=0.0)     # noise (mV)
        dt = Slider(0.01, 1.0, step=0.01, default=0.1)         # time step (ms)
        RI = DictSlider({f"n{i + 1}": Slider(0.0, 50.0, step=0.5, default=v)
                         for i, v in enumerate((16.0, 20.0, 30.0))})
        steps_per_frame = Slider(1, 200, step=1, default=10, dtype=int)
        window = Slider(10.0, 500.0, step=10.0, default=100.0)  # scope window (ms)

    class D(Displays):
        scope = Scope(width=400, height=160, t_window=100.0, y_range=(-80.0, 10.0))
        rates = TextOut(cols=44, rows=5)

    def init(self):
        self.V = np.full(3, E_L)
        self.refr = np.zeros(3, dtype=np.int64)
        self.t = 0.0
        self.spikes = [[], [], []]

    def model(self):
        p = self.p
        return dict(tau=p.tau, theta=p.theta, v_reset=V_R, e_l=E_L, t_ref=p.t_ref)

    def step(self):
        p = self.p
        if self._modified:
            if self.is_modified("steps_per_frame"):
                self.timing = Timing(steps_per_frame=p.steps_per_frame)
            if self._modified & {"tau", "theta", "t_ref", "sigma_v", "dt", "RI"}:
                self.spikes = [[], [], []]           # measure rates afresh after a change
        prev = self.V
        self.V, self.refr, sp = lif.lif_step(self.V, self.refr, list(p.RI.values()), dt=p.dt,
                                             noise=p.sigma_v, rng=self.rng, **self.model())
        self.t += p.dt
        for j in np.flatnonzero(sp):
            self.spikes[j].append(self.t)
        self.show(prev, sp)

    def frame(self):
        p = self.p
        measured = [lif.measured_rate(s, 0.0) if len(s) > 1 else 0.0 for s in self.spikes]
        analytic = lif.rate(list(p.RI.values()), **self.model())
        head = [f"t = {self.t:8.1f} ms", "neuron  RI/mV  measured/Hz  analytic/Hz"]
        rows = [f"  {k}   {ri:5.1f}  {m:10.1f}  {a:11.1f}"
                for (k, ri), m, a in zip(p.RI.items(), measured, analytic)]
        self.d.rates = "\n".join(head + rows)

    def show(self, prev, sp):
        if self.is_modified("window"):
            self.d.scope.t_window = self.p.window
            self.d.scope.clear()
        self.d.scope.add(self.t, prev, np.where(sp, 10.0, self.V))   # spikes at full height


class LIFPlot(LIFScope):
    name = "lif_plot"

    class D(Displays):
        plot = Plot(figsize=(5.0, 2.0), dpi=80)
        rates = TextOut(cols=44, rows=5)

    def init(self):
        super().init()
        self.hist = np.full((int(round(self.p.window / self.p.dt)), 3), np.nan)
        self.times = np.full(len(self.hist), np.nan)

    def show(self, prev, sp):
        self.hist = np.roll(self.hist, -1, 0)
        self.times = np.roll(self.times, -1)
        self.hist[-1] = np.where(sp, 10.0, self.V)
        self.times[-1] = self.t

    def draw_plot(self, fig):
        ax = fig.add_subplot(111)
        ax.plot(self.times, self.hist, lw=0.8)
        ax.set(xlabel="t (ms)", ylabel="V (mV)", ylim=(-80, 10))
        fig.subplots_adjust(left=0.14, bottom=0.22, right=0.98, top=0.95)
