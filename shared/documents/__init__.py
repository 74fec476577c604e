"""Case documents: what an upload must be (``sniff``, ``names``, ``intake``), how it is kept
(``storage`` with the ``folder`` and ``database`` backends, encrypted by ``crypto``).

Nothing is imported here: ``shared.documents.types`` stays importable by the SOP model
without pulling in the storage code.
"""
