"""Confidential fields: declared once on the model, enforced by the admin base.

A model names the fields a person needs a permission to read::

    class Employee(TenantModel):
        confidential_fields = {"salary": "employees.view_salary", ...}

Whoever lacks the permission cannot see the field, and cannot learn its value
sideways either: not by filtering, ordering or searching on it (directly or
through a relation, ``?employee__salary__gte=``), not in an export, not in a
history diff or an old version. ``opsplatform.admin.base`` applies these
helpers on every one of those paths, so a module that declares a field gets
all of that without writing a line of admin code.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Model
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import OrderBy


def declared(model: type[Model]) -> dict[str, str]:
    """``{field name: permission}`` as the model declares it (historical models: their model's)."""
    base = getattr(model, "instance_type", None) or model
    return dict(getattr(base, "confidential_fields", None) or {})


def hidden_fields(user, model: type[Model]) -> set[str]:
    """The model's confidential fields this person may not read."""
    return {name for name, perm in declared(model).items() if not user.has_perm(perm)}


def path_is_hidden(user, model: type[Model], path) -> bool:
    """Does an ORM path (``salary__gte``, ``-salary``, ``employee__salary``,
    ``employees__salary__lt``) pass through a field this person may not read?

    Each step is resolved on the model reached so far, forward or reverse, so a
    confidential field of any model along the path counts.
    """
    name = _path_name(path)
    if not name:
        return False
    current = model
    for part in name.split(LOOKUP_SEP):
        if current is None:
            return False
        if part in hidden_fields(user, current):
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup (gte, exact), a transform or an annotation
        current = field.related_model if field.is_relation else None
    return False


def _path_name(path) -> str:
    if isinstance(path, str):
        return path.lstrip("-+?").removeprefix("^").removeprefix("=").removeprefix("@")
    if isinstance(path, OrderBy):
        return _path_name(path.expression)
    if isinstance(path, F):
        return path.name
    return ""
