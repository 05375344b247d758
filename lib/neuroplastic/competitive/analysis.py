"""Chapter-level analyses built from the kernels: fit tables, Dale tables, the attack suite
with masking checks, and representation summaries over training snapshots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ._util import unit_rows
from .attacks import fgsm, masking_checks, pgd, robust_accuracy, transfer_accuracy
from .fits import CONTEST, compare_fits, normalize_weights
from .metrics import (class_selectivity, dale_outgoing, kernel_prototype_cosine,
                      lifetime_sparseness, unit_label_information)


def fit_table(W, exclude_rows=None, modes=("layer", "unit"), x_mins=(0.005,),
              families=CONTEST) -> pd.DataFrame:
    """compare_fits for each normalisation mode and x_min (absolute weights); degenerate fits
    (a parameter on its bound) are flagged and left out of the AIC ranking."""
    out = []
    for mode in modes:
        for xm in x_mins:
            v = normalize_weights(W, mode, xm, exclude_rows)
            df = compare_fits(v, xm, families)
            df.insert(0, "x_min", xm)
            df.insert(0, "normalisation", mode)
            out.append(df)
    return pd.concat(out, ignore_index=True)


def dale_table(S, taus=(0.0, 0.01, 0.05, 0.1, 0.2)) -> dict:
    """{tau: D2(tau)} plus the soft index at tau = 0 under key 'soft'."""
    out = {t: dale_outgoing(S, t)[0] for t in taus}
    out["soft"] = dale_outgoing(S, 0.0)[1]
    return out


def _min_over(tables):
    base = tables[0].copy()
    base["accuracy"] = np.min(np.stack([t["accuracy"].values for t in tables]), axis=0)
    return base


def attack_suite(models: dict, x, y, eps_grid, restarts=1, seed=0, source="BP",
                 pgd200_eps=0.1, batch_size=1000) -> dict:
    """FGSM and PGD-40 curves for every model (RR: min over exact / BPDA / frozen threshold;
    KH: min over cross-entropy and its own loss), PGD-200 at ``pgd200_eps``, transfer from
    ``source`` and the five masking checks. Returns {"fgsm", "pgd": DataFrame (eps x model),
    "transfer": DataFrame, "pgd200": {model: (acc40, acc200)}, "checks": {model: {...}},
    "variants": {model: {variant: DataFrame}}}."""
    eps_grid = [float(e) for e in eps_grid]
    fg, pg, variants, p200 = {}, {}, {}, {}
    for name, m in models.items():
        opts = attack_options(m)
        vf, vp = [], []
        variants[name] = {}
        for o in opts:
            tf = robust_accuracy(m, x, y, fgsm, eps_grid, batch_size, **o)
            tp = robust_accuracy(m, x, y, pgd, eps_grid, batch_size, restarts=restarts, seed=seed, **o)
            label = ",".join(f"{k}={v}" for k, v in o.items()) or "ce"
            variants[name][label] = tp
            vf.append(tf)
            vp.append(tp)
        fg[name], pg[name] = _min_over(vf), _min_over(vp)
        if pgd200_eps is not None:  # with the variant that was strongest at PGD-40
            at = [float(t.set_index("eps").loc[pgd200_eps, "accuracy"]) for t in vp]
            o = opts[int(np.argmin(at))]
            a200 = float(robust_accuracy(m, x, y, pgd, [pgd200_eps], batch_size, iters=200,
                                         restarts=1, seed=seed, **o)["accuracy"].iloc[0])
            a40 = float(pg[name].set_index("eps").loc[pgd200_eps, "accuracy"])
            p200[name] = (a40, a200)
    tr = transfer_accuracy(models[source], models, x, y, eps_grid, batch_size, restarts=restarts, seed=seed)
    checks = {}
    for name in models:
        tabs = {"fgsm": fg[name], "pgd": pg[name]}
        if name != source:
            tabs["transfer"] = tr[["eps", name]].rename(columns={name: "accuracy"})
        if name in p200:
            tabs["pgd40_0.1"], tabs["pgd200_0.1"] = p200[name]
        checks[name] = masking_checks(tabs)
    wide = lambda d: pd.DataFrame({"eps": eps_grid, **{n: t["accuracy"].values for n, t in d.items()}})  # noqa: E731
    return {"fgsm": wide(fg), "pgd": wide(pg), "transfer": tr, "pgd200": p200, "checks": checks,
            "variants": variants}


def attack_options(model) -> list:
    """The white-box variants run against ``model``: RR's three k-WTA threshold treatments
    (exact, BPDA, frozen), KH's two losses (cross-entropy, its own), else cross-entropy."""
    if hasattr(model, "mode"):
        return [{"backward": None}, {"backward": "bpda"}, {"backward": "frozen"}]
    if hasattr(model, "own_loss"):
        return [{"loss": "ce"}, {"loss": "own"}]
    return [{}]


def robustness_by_seed(models: dict, x, y, eps_list=(0.1,), restarts=2, attack_seed=0,
                       iters=40, batch_size=1000) -> pd.DataFrame:
    """PGD accuracy (minimum over :func:`attack_options`) of every model at each eps.
    ``models``: {(name, training seed): model}; every model is attacked on the same images
    with the same attack seed, so differences between training seeds are the models' own.
    Returns a DataFrame (model, seed, eps, accuracy, variant) with the weakest variant."""
    rows = []
    for (name, s), m in models.items():
        for eps in eps_list:
            best = None
            for o in attack_options(m):
                t = robust_accuracy(m, x, y, pgd, [float(eps)], batch_size, iters=iters,
                                    restarts=restarts, seed=attack_seed, **o)
                a = float(t["accuracy"].iloc[0])
                if best is None or a < best[0]:
                    best = (a, ",".join(f"{k}={v}" for k, v in o.items()) or "ce")
            rows.append({"model": name, "seed": int(s), "eps": float(eps), "accuracy": best[0],
                         "variant": best[1]})
    return pd.DataFrame(rows)


def paired_margin(table: pd.DataFrame, method: str, baseline: str, eps: float) -> dict:
    """Mean, sd, min and per-seed values of accuracy(method) - accuracy(baseline) at ``eps``,
    paired by training seed (seeds present for both)."""
    t = table[np.isclose(table["eps"], eps)].pivot(index="seed", columns="model", values="accuracy")
    d = (t[method] - t[baseline]).dropna() if {method, baseline} <= set(t.columns) else pd.Series(dtype=float)
    if d.empty:
        raise ValueError(f"no common seeds for {method!r} and {baseline!r} at eps={eps}")
    return {"mean": float(d.mean()), "sd": float(d.std(ddof=1)) if len(d) > 1 else 0.0,
            "min": float(d.min()), "n": int(len(d)), "per_seed": d.round(4).to_dict()}


def checks_frame(checks: dict) -> pd.DataFrame:
    rows = []
    for name, cs in checks.items():
        for cid, (ok, detail) in cs.items():
            rows.append({"model": name, "check": cid,
                         "result": "pass" if ok else ("n/a" if ok is None else "FAIL"), "detail": detail})
    return pd.DataFrame(rows)


def possibly_masked(checks_for_model: dict) -> bool:
    return any(ok is False for ok, _ in checks_for_model.values())


@torch.no_grad()
def rr_features(W, b, X, k_h):
    """Continuous k-WTA features [s - s_(k_h+1)]_+ of an RR layer state (numpy out)."""
    W, b = torch.as_tensor(W, dtype=torch.float32), torch.as_tensor(b, dtype=torch.float32)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    s = (unit_rows(X) @ W.T) / W.norm(dim=1).clamp_min(1e-30) + b
    thr = torch.topk(s, k_h + 1, dim=1).values[:, -1:]
    return torch.relu(s - thr).numpy()


@torch.no_grad()
def kh_features(W, X, n=4.5):
    W = torch.as_tensor(W, dtype=torch.float32)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    return torch.relu(unit_rows(X) @ W.T).pow(n).numpy()


def representation_summary(H, W, X, y, Xc=None, yc=None) -> dict:
    """Mean SI, mean unit-label information (bits), mean lifetime sparseness, mean
    kernel-prototype cosine (class means from ``Xc, yc``, default X, y)."""
    si = class_selectivity(H, y)
    ls = lifetime_sparseness(H)
    cos = kernel_prototype_cosine(W, X if Xc is None else Xc, y if yc is None else yc)
    return {"SI": float(np.nanmean(si)) if len(si) else float("nan"),
            "info_bits": float(np.mean(unit_label_information(H, y))),
            "lifetime_sparseness": float(np.nanmean(ls)),
            "kernel_class_cosine": float(np.mean(cos)),
            "active_units": int((H.max(0) > 0).sum())}
