"""The library's layers: nothing imports upward.

foundation (validation, runtime, paths, cache, parallel, tuning, bench)
  <- kernels and models (assoc, competitive, perturbation, sim, data)
  <- experiments (figure and table drivers; the only code that memoizes)
  <- book (profiles, claims, figures, runner, command line)  <- chapters
"""

from __future__ import annotations

from pathlib import Path

import pytest

from neuroplastic import cache

PKG = Path(cache.__file__).resolve().parent
FOUNDATION = {
    "neuroplastic",
    "validation",
    "runtime",
    "paths",
    "cache",
    "parallel",
    "tuning",
    "bench",
}
KERNELS = {"assoc", "competitive", "perturbation", "sim", "data"}
LAYER = {**{m: 0 for m in FOUNDATION}, **{m: 1 for m in KERNELS}, "experiments": 2, "book": 3}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYER[parts[1] if len(parts) > 1 else "neuroplastic"]


def _modules() -> list[str]:
    out = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("")
        parts = list(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        out.append(".".join(["neuroplastic", *parts]))
    return out


def test_every_module_has_a_layer():
    for m in _modules():
        assert _layer(m) in (0, 1, 2, 3), m


@pytest.mark.parametrize("module", _modules())
def test_no_upward_import(module):
    own = _layer(module)
    direct = cache._imports(module, cache._module_file(module))
    upward = sorted(m for m in direct if m != "neuroplastic" and _layer(m) > own)
    assert not upward, f"{module} (layer {own}) imports upward: {upward}"
    if own == 1:  # kernels never memoize: results are cached by the experiments layer
        assert "neuroplastic.cache" not in direct, f"{module} memoizes"
