"""neuroplastic: kernels and book tooling for a companion book to six papers on
biologically inspired learning and associative memory.

Layers, bottom up: the foundation (``validation``: argument checkers and seeds; ``runtime``:
threads and devices; ``paths``, ``cache``, ``parallel``, ``tuning``, ``bench``); the kernels
(``assoc``: associative memory, numba; ``competitive``: competitive learning, torch;
``perturbation``: weight perturbation and the Dopamine optimizer, torch; ``sim``: interactive
simulations with an SQLite parameter store; ``data``: MNIST loading); ``experiments`` (figure,
table and claim drivers, the only code that memoizes); ``book`` (profiles, figures, claims, the
chapter runner).
"""

from .runtime import configure_threads, resolve_device

__version__ = "0.1.0"

__all__ = ["__version__", "configure_threads", "resolve_device"]
