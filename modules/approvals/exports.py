"""The request list's export: the request's columns and its kind's own, as one table.

Each kind's fields are a column (empty for requests of other kinds); the
subjects come with the list's query (``select_related``), so no row makes a
query of its own.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ObjectDoesNotExist
from import_export.fields import Field

from modules.approvals.kinds import all_kinds, get_kind
from modules.approvals.models import ApprovalRequest
from opsplatform.admin.resources import tenant_resource_factory


class SubjectField(Field):
    """One of a kind's own fields, read from the request's subject."""

    def get_value(self, instance):
        spec = get_kind(instance.kind)
        if spec is None or self.attribute not in spec.fields:
            return None
        try:
            subject = getattr(instance, spec.accessor)
        except ObjectDoesNotExist:
            return None
        return getattr(subject, self.attribute, None)


@cache
def request_resource():
    columns: dict[str, SubjectField] = {}
    for spec in all_kinds():
        for name in spec.fields:
            columns.setdefault(name, SubjectField(attribute=name, column_name=name))
    base = tenant_resource_factory(ApprovalRequest)
    engine = [f.name for f in ApprovalRequest._meta.concrete_fields if f.name != "tenant"]
    # The kind's columns where they stood before kinds had their own tables.
    at = engine.index("currency") + 1
    meta = type(
        "Meta",
        (base.Meta,),
        {"export_order": [*engine[:at], *columns, *engine[at:]]},
    )
    return type("ApprovalRequestExport", (base,), {**columns, "Meta": meta})
