"""S7 An associative-memory explorer driving :mod:`neuroplastic.assoc` (public API only)."""
import numpy as np

from neuroplastic import assoc as A
from neuroplastic.sim import (
    Button,
    Displays,
    Dropdown,
    Image,
    Parameters,
    Plot,
    Simulation,
    Slider,
    TextOut,
)

ACTIVATIONS = ("k-WTA",) + (("threshold",) if hasattr(A, "Threshold") else ())


def make_cues(patterns, n_del, n_add, rng):
    """Cues with ``n_del`` of the K active units deleted and ``n_add`` silent units added (per
    pattern)."""
    N, rows = patterns.N, []
    for p in patterns.idx:
        keep = rng.choice(p, len(p) - n_del, replace=False)
        add = rng.choice(np.setdiff1d(np.arange(N), p), n_add, replace=False)
        rows.append(np.sort(np.concatenate([keep, add])))
    return A.PatternSet(np.array(rows, dtype=np.int32).reshape(len(rows), -1), patterns.layout)


class MemoryExplorer(Simulation):
    name = "memory_explorer"

    class P(Parameters):
        seed = Slider(0, 100, step=1, default=0, dtype=int)
        N = Slider(100, 2000, step=100, default=1000, dtype=int)
        k = Slider(2, 50, step=1, default=10, dtype=int)
        M = Slider(10, 20000, step=10, default=100, dtype=int)
        rule = Dropdown(tuple(A.list_rules()), default="willshaw")
        activation = Dropdown(ACTIVATIONS, default="k-WTA")
        # fraction of active units removed from the cue
        deleted = Slider(0.0, 0.9, step=0.05, default=0.5)
        added = Slider(0, 50, step=1, default=0, dtype=int)  # false units added to the cue
        store_more = Button(text="Store 50 % more")

    class D(Displays):
        cue = Image(scale=4.0)
        retrieved = Image(scale=4.0)
        original = Image(scale=4.0)
        error = TextOut(cols=60, rows=3)
        curve = Plot(figsize=(4.0, 3.0))

    def init(self):
        self.curve = []

    def step(self):
        p = self.p
        if p.store_more:
            # a value written by the simulation itself
            self.p.M = min(int(p.M * 1.5) // 10 * 10, 20000)
        lay = A.KofN(p.N, p.k)
        pats = A.random_patterns(p.M, lay, seed=self.seed)
        net_args = {}
        n_del, n_add = int(round(p.deleted * p.k)), p.added
        if A.is_noise_aware(p.rule):
            net_args["noise"] = A.CueNoise(n_del / p.k, n_add / (p.N - p.k))
        net = A.build(p.rule, A.count(pats), lay, **net_args)
        Q = pats.prefix(min(p.M, 100))
        cues = make_cues(Q, n_del, n_add, np.random.default_rng(self.seed))
        act = A.KWTA(p.k) if p.activation == "k-WTA" else A.Threshold(0.5)
        res = A.recall(net, cues, activation=act, seed=self.seed)
        self.exact, self.noise = A.exact_fraction(res.states, Q), A.output_noise(res.states, Q)
        self.curve.append((p.M, self.exact, self.noise))
        side = int(np.ceil(np.sqrt(p.N)))
        for name, ps in (("cue", cues), ("retrieved", res.states), ("original", Q)):
            img = np.zeros(side * side, bool)
            img[ps.idx[0]] = True
            setattr(self.d, name, img.reshape(side, side))
        self.d.error = (f"{p.rule}, N={p.N}, k={p.k}, M={p.M}: cue -{n_del}/+{n_add} units; "
                        f"exact retrieval {self.exact:.3f}, output noise {self.noise:.4f}")

    def draw_curve(self, fig):
        ax = fig.add_subplot(111)
        if self.curve:
            c = np.array(sorted(self.curve))
            ax.plot(c[:, 0], 1 - c[:, 1], "o-", label="1 - exact fraction")
            ax.plot(c[:, 0], c[:, 2], "s-", label="output noise")
            ax.legend()
        ax.set(xscale="log", xlabel="stored patterns M", ylabel="retrieval error")
        fig.subplots_adjust(left=0.17, bottom=0.17, right=0.97, top=0.95)
