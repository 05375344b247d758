"""The chapter's examples (each a Simulation subclass; import the module you need):

``hello`` (S1), ``lif_scope`` (S2, S3), ``gaussian`` (S4), ``classify`` (S5), ``mnist`` (S6, torch),
``memory`` (S7, :mod:`neuroplastic.assoc`), ``concurrency`` (S8 helper: saves from several processes).
"""
