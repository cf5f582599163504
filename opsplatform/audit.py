"""Audit: simple-history on every domain model, with user, tenant and reason.

``AuditedHistoricalRecords`` is what every model uses instead of a bare
``HistoricalRecords``: the user comes from the request (simple-history's
middleware), the tenant is the tenant column copied onto every historical row
of a tenant model, and the reason is ``history_change_reason`` (set it with
:func:`with_reason` or ``update_change_reason``).
"""

from __future__ import annotations

from contextlib import contextmanager

from simple_history.models import HistoricalRecords


class AuditedHistoricalRecords(HistoricalRecords):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("excluded_fields", [])
        kwargs.setdefault("cascade_delete_history", False)
        super().__init__(*args, **kwargs)


@contextmanager
def with_reason(instance, reason: str):
    """Save ``instance`` inside this block and its history row carries ``reason``."""
    instance._change_reason = reason
    try:
        yield instance
    finally:
        instance.__dict__.pop("_change_reason", None)
