"""Batch sync: the outbox sends what waits on the device in one or a few requests.

``POST /api/v1/sync`` takes an ordered list of records as the outbox holds them (the field form's
address and fields). Each is turned into its payload by the page's own code, saved by the same
service as the page and the per-record API, under the same idempotency rule
(``fieldapp.idempotency``), and gets its own result: stored, replayed, refused (with the one error
shape) or failed (a server error: the device tries that record again later). The batch is one
transaction (``fieldapp.uow``).
"""
