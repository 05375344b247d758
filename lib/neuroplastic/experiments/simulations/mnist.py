"""S6 A small torch trainer on the bundled MNIST subset: one step = one epoch (torch, 1 thread)."""
import numpy as np

from neuroplastic.sim import (
    Button,
    Displays,
    Dropdown,
    Parameters,
    Plot,
    Simulation,
    Slider,
    TextOut,
)


def make_model(kind):
    """MLP 784-128-10 or CNN conv8-pool-conv16-pool-fc10 (28x28 inputs)."""
    import torch.nn as nn
    if kind == "MLP":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(16 * 7 * 7, 10))


class MNISTTrainer(Simulation):
    name = "mnist_trainer"

    class P(Parameters):
        seed = Slider(0, 100, step=1, default=0, dtype=int)
        model = Dropdown(("MLP", "CNN"), default="MLP")
        log10_lr = Slider(-4.0, -1.0, step=0.1, default=-3.0)
        batch_size = Dropdown((32, 64, 128), default=64, dtype="int")
        reset = Button(text="Reset")

    class D(Displays):
        curves = Plot(figsize=(4.0, 3.0))
        digits = Plot(figsize=(4.0, 4.0))
        confusion = Plot(figsize=(4.0, 3.6))
        info = TextOut(cols=50, rows=4)

    def main_init(self):
        import torch

        from neuroplastic.data import load_mnist, stratified_split
        torch.set_num_threads(1)
        self.data = load_mnist()
        tr, te = stratified_split(self.data.y, 400, 100, seed=0)
        X, y = torch.from_numpy(self.data.X), torch.from_numpy(self.data.y)
        self.train, self.test = (X[tr], y[tr]), (X[te], y[te])

    def init(self):
        import torch
        torch.manual_seed(self.seed)
        self.net = make_model(self.p.model)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=10 ** self.p.log10_lr)
        self.hist, self.pred = [], None

    def step(self):
        import torch
        if self.p.reset or self.is_modified("model"):
            self.init()
        if self.is_modified("log10_lr"):
            for g in self.opt.param_groups:
                g["lr"] = 10 ** self.p.log10_lr
        X, y = self.train
        g = torch.Generator().manual_seed(self.seed * 1000 + len(self.hist))
        self.net.train()
        loss_sum = 0.0
        for idx in torch.randperm(len(X), generator=g).split(self.p.batch_size):
            self.opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(self.net(X[idx]), y[idx])
            loss.backward()
            self.opt.step()
            loss_sum += loss.item() * len(idx)
        self.net.eval()
        with torch.no_grad():
            acc_tr = float((self.net(X).argmax(1) == y).float().mean())
            self.pred = self.net(self.test[0]).argmax(1).numpy()
        acc_te = float((self.pred == self.test[1].numpy()).mean())
        self.hist.append((loss_sum / len(X), acc_tr, acc_te))
        self.d.info = (f"{self.p.model}, epoch {len(self.hist)}: loss {self.hist[-1][0]:.3f}, "
                       f"train acc {acc_tr:.3f}, test acc {acc_te:.3f}\n"
                       f"data: {self.data.source}, 4,000 train / 1,000 test")

    @property
    def test_accuracy(self):
        return self.hist[-1][2] if self.hist else float("nan")

    def draw_curves(self, fig):
        ax = fig.add_subplot(111)
        if self.hist:
            h = np.array(self.hist)
            e = np.arange(1, len(h) + 1)
            ax.plot(e, h[:, 1], "o-", label="train")
            ax.plot(e, h[:, 2], "s-", label="test")
            ax.legend()
        ax.set(xlabel="epoch", ylabel="accuracy")
        fig.subplots_adjust(left=0.18, bottom=0.17, right=0.97, top=0.95)

    def draw_digits(self, fig):
        X, y = self.test
        for i in range(16):
            ax = fig.add_subplot(4, 4, i + 1)
            j = i * (len(X) // 16)
            ax.imshow(X[j].numpy().reshape(28, 28), cmap="gray_r")
            if self.pred is not None:
                ok = self.pred[j] == int(y[j])
                ax.set_title(str(self.pred[j]), color="k" if ok else "red", fontsize=9)
            ax.axis("off")

    def draw_confusion(self, fig):
        ax = fig.add_subplot(111)
        C = np.zeros((10, 10), int)
        if self.pred is not None:
            np.add.at(C, (self.test[1].numpy(), self.pred), 1)
        ax.imshow(C, cmap="Blues")
        ax.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10))
        fig.subplots_adjust(bottom=0.15, top=0.95)
