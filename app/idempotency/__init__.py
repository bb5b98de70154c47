"""Idempotency-Key: a retried POST returns the first response and changes nothing again.

Routers take `IdempotencyDep` and wrap their one service call in `idem.respond(...)`; see `app.idempotency.http`.
"""
