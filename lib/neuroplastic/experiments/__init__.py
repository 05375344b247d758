"""The experiments layer: every figure, table and claim driver of the book, one module (or
subpackage) per topic, above the kernels and below the book tooling.

It is the only code that memoizes (:func:`neuroplastic.cache.memoize`); kernels never do, and
nothing here imports :mod:`neuroplastic.book`. Import the topic modules directly, e.g.
``from neuroplastic.experiments import simulations``; this package imports none of them, so
loading one chapter's drivers never pulls in another's.
"""
