"""Chapter 6's experiments: the example simulations built on :mod:`neuroplastic.sim` and the
drivers that run and check them (:mod:`.drivers`, re-exported here).

Example modules (each a Simulation subclass; import the module you need): ``hello`` (S1),
``lif_scope`` (S2, S3), ``gaussian`` (S4), ``classify`` (S5), ``mnist`` (S6, torch), ``memory``
(S7, :mod:`neuroplastic.assoc`), ``concurrency`` (S8: saves from several processes),
``search_objectives`` (S9: picklable factories and objectives), ``ivisit_gauss_script.py`` (S10:
the Gaussian example as an unchanged IVISIT script; a script, not a module to import).
"""
from .drivers import *  # noqa: F401,F403
from .drivers import __all__  # noqa: F401
