"""Private file fields: random storage names, the original name in a column,
an allow-list of types checked by content, and a size limit.

``PrivateFileField(area="approvals", types=(PDF, PNG), max_size=20 * MB,
name_field="invoice_name")`` stores every upload as
``tenants/<tenant id>/<area>/<random><extension of the detected type>``: no
part of the stored name comes from the uploader. ``.url`` is the address of
the one view that serves it (``opsplatform.files.views``), so admin widgets and
templates link there and never to storage.

Who may download is declared with ``owner``: ``None`` (the default) means the
row's own admin decides; the name of a foreign key means that object's admin
decides (an attachment follows its request); an ``Owner`` instance from
``opsplatform.files.access`` covers the rest.

Migrations see a plain ``FileField``/``ImageField``: the types, the limit and the
owner are code, not schema, and changing them needs no migration.
"""

from __future__ import annotations

import math
import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.db.models.signals import post_save, pre_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsplatform.billing.entitlements import check_capacity
from opsplatform.files import types as file_types
from opsplatform.files.uploads import OversizedUpload
from opsplatform.tenancy.context import get_current_tenant

MB = 1024 * 1024
ORIGINAL_NAME_MAX = 255


def megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def too_large_error(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(size)s MB.") % {"size": megabytes(limit)},
        code="file_too_large",
    )


def wrong_type_error(allowed) -> ValidationError:
    return ValidationError(
        _(
            "This file's content is not an allowed type. Allowed: %(types)s. "
            "The content is checked, not the file's name."
        )
        % {"types": ", ".join(str(kind) for kind in allowed)},
        code="file_type",
    )


def check_upload(upload, field: PrivateFileMixin) -> file_types.FileType:
    """The upload's type, or a ValidationError a person can read."""
    if isinstance(upload, OversizedUpload):
        raise too_large_error(min(upload.limit, field.max_size))
    size = getattr(upload, "size", None)
    if size is not None and size > field.max_size:
        raise too_large_error(field.max_size)
    kind = file_types.detect(upload, field.types)
    if kind is None:
        raise wrong_type_error(field.types)
    return kind


STORAGE_LIMIT = "files.storage_mb"


def check_storage(tenant, upload) -> None:
    """Refuse (``LimitReached``) an upload that would take ``tenant`` past its
    plan's file storage (docs/billing.md, "File storage").

    Counted in whole megabytes, rounded up, like the use: a 10-byte file adds 1.
    Without a cap nothing is walked (``check_capacity`` returns first), so an
    unlimited plan pays nothing per upload.
    """
    size = getattr(upload, "size", None)
    if tenant is None or not size:
        return
    check_capacity(tenant, STORAGE_LIMIT, math.ceil(size / MB))


def clean_original_name(name: str) -> str:
    """The name a person gave the file, without any folder part or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > ORIGINAL_NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        ext = ext if dot and len(ext) <= 16 else ""
        base = base[: ORIGINAL_NAME_MAX - len(ext) - 1] + ("." + ext if ext else "")
    return base or "file"


class PrivateFieldFileMixin:
    @property
    def url(self) -> str:
        self._require_file()
        instance = self.instance
        if instance.pk is None:
            raise ValueError("A private file has no address before its row is saved.")
        meta = instance._meta
        # The tenant URLconf, also when rendered from the landlord host: the file
        # lives in a workspace and only its host serves it.
        return reverse(
            "private-file",
            args=[meta.app_label, meta.model_name, instance.pk, self.field.name],
            urlconf=settings.ROOT_URLCONF,
        )

    @property
    def original_name(self) -> str:
        if self.field.name_field:
            stored = getattr(self.instance, self.field.name_field, "")
            if stored:
                return stored
        return self.name.rsplit("/", 1)[-1] if self.name else ""

    @property
    def file_type(self) -> file_types.FileType | None:
        """The type recorded in the stored name; None for a file stored before
        names were random (it is served as an opaque download)."""
        if not self.name:
            return None
        stem, dot, ext = self.name.rsplit("/", 1)[-1].rpartition(".")
        if not dot or len(stem) != self.field.token_length:
            return None
        kind = file_types.BY_EXTENSION.get("." + ext)
        return kind if kind in self.field.types else None

    def save(self, name, content, save=True):
        # Every path that stores a file comes here (forms, services, factories,
        # FileField.pre_save), so none can store an unchecked type or a chosen name.
        field = self.field
        kind = check_upload(content, field)
        check_storage(self._tenant(), content)
        if field.name_field:
            setattr(self.instance, field.name_field, clean_original_name(name))
        stored = field.random_name(self.instance, kind)
        self.name = self.storage.save(stored, content, max_length=field.max_length)
        setattr(self.instance, field.attname, self.name)
        self._committed = True
        if save:
            self.instance.save()

    save.alters_data = True

    def _tenant(self):
        """The company the file is stored for (its folder), or None before it has an id."""
        tenant_id = self.field.tenant_id_of(self.instance)
        if tenant_id is None:
            return None
        current = get_current_tenant()
        if current is not None and current.pk == tenant_id:
            return current  # its plan is read once per request
        if hasattr(self.instance, "tenant_id"):
            return self.instance.tenant
        return self.instance  # the tenant row itself (its logo)


class PrivateFieldFile(PrivateFieldFileMixin, FieldFile):
    pass


class PrivateImageFieldFile(PrivateFieldFileMixin, ImageFieldFile):
    pass


class PrivateFormFieldMixin:
    """The form side: a clear error for an upload past the limit (the upload
    handler stopped storing it), of a type not allowed, or past the plan's file
    storage. A form has no row, so the company is the current one; a form with
    none (the landlord's) is checked at the write, ``FieldFile.save``."""

    def __init__(self, *args, private_field=None, **kwargs):
        self.private_field = private_field
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if isinstance(data, OversizedUpload):
            raise too_large_error(min(data.limit, self.private_field.max_size))
        return super().to_python(data)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and not isinstance(value, FieldFile) and hasattr(value, "read"):
            check_upload(value, self.private_field)
            # LimitReached is a ValidationError: a field error, nothing stored.
            check_storage(get_current_tenant(), value)
        return value


class PrivateFormFileField(PrivateFormFieldMixin, forms.FileField):
    pass


class PrivateFormImageField(PrivateFormFieldMixin, forms.ImageField):
    pass


class PrivateFileMixin:
    token_length = 32  # characters of the random part of a stored name

    def __init__(
        self,
        *args,
        area: str,
        types: tuple[file_types.FileType, ...],
        max_size: int,
        name_field: str = "",
        owner=None,
        **kwargs,
    ):
        if not types:
            raise ValueError("A private file field needs at least one allowed type.")
        self.area = area
        self.types = tuple(types)
        self.max_size = max_size
        self.name_field = name_field
        self.owner = owner
        kwargs.pop("upload_to", None)
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, self.migration_path, args, kwargs

    def clone(self):
        # deconstruct() leaves out what is code, not schema; a clone keeps it.
        _name, _path, args, kwargs = self.deconstruct()
        return self.__class__(
            *args,
            area=self.area,
            types=self.types,
            max_size=self.max_size,
            name_field=self.name_field,
            owner=self.owner,
            **kwargs,
        )

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            pre_save.connect(_defer_until_saved, sender=cls, weak=False)
            post_save.connect(_store_deferred, sender=cls, weak=False)

    def tenant_id_of(self, instance):
        if hasattr(instance, "tenant_id"):
            return instance.tenant_id
        # The tenant row itself (its logo).
        return instance.pk

    def random_name(self, instance, kind: file_types.FileType) -> str:
        tenant_id = self.tenant_id_of(instance)
        if tenant_id is None:
            raise ValueError("A private file is stored only once its tenant is known.")
        token = secrets.token_hex(self.token_length // 2)
        return f"tenants/{tenant_id}/{self.area}/{token}{kind.extension}"

    def generate_filename(self, instance, filename):
        # FieldFile.save above is the only way in; a path that names the file
        # itself would bypass the type check and the random name.
        raise ValueError("Private files are stored through FieldFile.save only.")

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        # A new upload (services call full_clean): same checks as the form.
        if value and not value._committed and getattr(value, "file", None) is not None:
            check_upload(value.file, self)

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": self.form_class,
                "private_field": self,
                "max_length": None,
                **kwargs,
            }
        )


def _defer_until_saved(sender, instance, raw=False, **kwargs):
    """A row whose tenant id is not known yet (a new company's logo) keeps its
    upload aside until the row has its id, so the path always carries it."""
    if raw:
        return
    for field in private_fields(sender):
        file = getattr(instance, field.attname)
        if file and not file._committed and field.tenant_id_of(instance) is None:
            pending = instance.__dict__.setdefault("_private_files_pending", {})
            pending[field.attname] = file
            setattr(instance, field.attname, None)


def _store_deferred(sender, instance, raw=False, **kwargs):
    pending = instance.__dict__.pop("_private_files_pending", None)
    if raw or not pending:
        return
    update_fields = []
    for attname, file in pending.items():
        field = instance._meta.get_field(attname)
        getattr(instance, attname).save(file.name, file.file, save=False)
        update_fields.append(attname)
        if field.name_field:
            update_fields.append(field.name_field)
    instance.save(update_fields=update_fields)


class PrivateFileField(PrivateFileMixin, models.FileField):
    attr_class = PrivateFieldFile
    form_class = PrivateFormFileField
    migration_path = "django.db.models.FileField"


class PrivateImageField(PrivateFileMixin, models.ImageField):
    attr_class = PrivateImageFieldFile
    form_class = PrivateFormImageField
    migration_path = "django.db.models.ImageField"

    def __init__(self, *args, types=file_types.IMAGES, **kwargs):
        super().__init__(*args, types=types, **kwargs)


def private_fields(model) -> list[PrivateFileMixin]:
    return [f for f in model._meta.get_fields() if isinstance(f, PrivateFileMixin)]
