"""Case documents: what an upload must be (``types``, ``sniff``, ``names``, ``intake``) and
how it is kept (``storage``: the interface; ``folder`` and ``database`` with ``tables``: the
backends, chosen by ``factory``; ``crypto``: the encryption at rest).

Nothing is imported here: ``shared.documents.types`` stays importable by the SOP model
without pulling in the storage code.
"""
