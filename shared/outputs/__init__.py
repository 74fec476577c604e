"""Output documents of cases: the SOP's product as a signed PDF with a verification QR code.

A step that produces an output issues it (a pending row with its number) in the same
transaction that records the step (:mod:`shared.outputs.issuer`); a worker renders, signs
and stores it, then records ``case.output_issued`` (:mod:`shared.outputs.worker`). Anyone
can check a document at ``/verify/<code>`` (:mod:`shared.outputs.verify`). Shared by every
department: nothing here names one.
"""
