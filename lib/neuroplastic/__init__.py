"""neuroplastic: kernels and book tooling for a companion book to six papers on
biologically inspired learning and associative memory.

Subpackages: ``assoc`` (associative memory, numba), ``competitive`` (competitive
learning, torch), ``perturbation`` (weight perturbation and the Dopamine optimizer,
torch), ``sim`` (interactive simulations with an SQLite parameter store), ``data``
(MNIST loading), ``book`` (profiles, figures, claims, caching, the chapter runner),
``parallel`` (the one sweep helper) and ``bench`` (benchmark records).
"""

__version__ = "0.1.0"
