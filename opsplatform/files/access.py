"""Who may download a private file: the same people who may see the object it
belongs to. Every refusal looks the same to the caller (``None``), so missing,
another company's, signed out and not allowed are one 404.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.admin import AdminSite
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model


class Owner:
    """Declared on a private field (``owner=``): decides for its rows."""

    def allows(self, request, row: Model, site: AdminSite) -> bool:
        raise NotImplementedError


class OwnAdmin(Owner):
    """The row's own admin: its narrowed list and its view permission."""

    def target(self, row: Model) -> Model:
        return row

    def allows(self, request, row, site):
        return object_visible(request, self.target(row), site)


class Related(OwnAdmin):
    """Another object decides: ``Related("request")`` for an attachment."""

    def __init__(self, name: str):
        self.name = name

    def target(self, row):
        return getattr(row, self.name)


class Permission(Owner):
    """A file that belongs to no screen's object (an import file): one permission."""

    def __init__(self, perm: str):
        self.perm = perm

    def allows(self, request, row, site):
        return request.user.has_perm(self.perm)


class AnyMember(Owner):
    """Shown to every member of the company (its logo)."""

    def allows(self, request, row, site):
        return True


def owner_of(field) -> Owner:
    if field.owner is None:
        return OwnAdmin()
    if isinstance(field.owner, str):
        return Related(field.owner)
    return field.owner


def object_visible(request, obj: Model | None, site: AdminSite) -> bool:
    if obj is None:
        return False
    model_admin = site._registry.get(type(obj))
    if model_admin is None:
        # Fail closed: a file whose object has no screen is nobody's to download.
        return False
    if not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
        return False
    return bool(model_admin.has_view_permission(request, obj))


def private_file_or_none(request, site: AdminSite, app_label, model_name, pk, field_name):
    """``(row, field, field_file)`` when this person may download it, else None."""
    from opsplatform.files.fields import PrivateFileMixin
    from opsplatform.tenancy.models import TenantModel

    tenant = getattr(request, "tenant", None)
    if tenant is None or not site.has_permission(request):
        return None
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        return None
    if not isinstance(field, PrivateFileMixin):
        return None
    if issubclass(model, TenantModel):
        # The fail-closed manager: another company's id is simply not found.
        rows = model._default_manager.all()
    elif model is type(tenant):
        rows = model._default_manager.filter(pk=tenant.pk)
    else:
        return None
    row = rows.filter(pk=pk).first()
    if row is None:
        return None
    field_file = getattr(row, field.attname)
    if not field_file:
        return None
    if not owner_of(field).allows(request, row, site):
        return None
    return row, field, field_file
