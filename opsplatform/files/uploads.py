"""Size limits enforced while an upload streams.

``PrivateUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) counts each file's
bytes as they arrive and, past the limit of the field the file is for, stops
passing them on: nothing more is written to memory or disk, and the form
receives an ``OversizedUpload`` in place of the file, which private form
fields turn into "The file is larger than N MB".

The limit of a multipart part comes from its name, resolved against the view
the request is for (``request.resolver_match`` is known by then: the CSRF check
in ``process_view`` is what first reads the body):

- a view that declares ``upload_fields = {"file": "approvals.Attachment.file"}``
  (``accepts_uploads`` sets it on a function view; a class-based view sets it
  as a class attribute);
- an admin add/change view: the admin's model (and ``form_private_fields()``
  of the admin, for fields its form carries from another model), and each
  inline's model under its formset prefix (``documents-0-file``);
- anything else: ``FILE_UPLOAD_MAX_BYTES``.
"""

from __future__ import annotations

import re
from io import BytesIO

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import Resolver404, resolve

_FORMSET_PART = re.compile(r"^(?P<prefix>.+)-(?:\d+|__prefix__)-(?P<name>[^-]+)$")


class OversizedUpload(UploadedFile):
    """What a form receives for a file that passed its limit: no content, only
    the facts the error message needs."""

    def __init__(self, name, content_type, size: int, limit: int, charset=None):
        super().__init__(BytesIO(b""), name, content_type, size, charset)
        self.limit = limit


def accepts_uploads(**fields: str):
    """``@accepts_uploads(file="approvals.Attachment.file")`` on a view."""

    def decorate(view):
        view.upload_fields = fields
        return view

    return decorate


def _field(label: str):
    app_label, model_name, field_name = label.rsplit(".", 2)
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)


def _declared(func) -> dict[str, object]:
    declared = getattr(func, "upload_fields", None)
    if declared is None and hasattr(func, "view_class"):
        declared = getattr(func.view_class, "upload_fields", None)
    return {name: _field(label) for name, label in (declared or {}).items()}


def _from_admin(model_admin) -> dict[str, object]:
    from django.forms.models import _get_foreign_key

    from opsplatform.files.fields import private_fields

    found = {f.name: f for f in private_fields(model_admin.model)}
    # Private fields a screen's form carries besides its model's own (an approval
    # request's page carries its kind's, e.g. a payment's invoice).
    found.update(getattr(model_admin, "form_private_fields", dict)())
    for inline in getattr(model_admin, "inlines", ()):
        try:
            fk = _get_foreign_key(model_admin.model, inline.model, fk_name=inline.fk_name)
        except ValueError:
            continue
        prefix = fk.remote_field.get_accessor_name(model=inline.model).replace("+", "")
        for f in private_fields(inline.model):
            found[f"{prefix}:{f.name}"] = f
    return found


def upload_fields_for(request) -> dict[str, object]:
    """Multipart names (``file``, ``documents:file``) mapped to their private field."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Something read the body before URL resolution (a middleware): resolve it here.
        try:
            match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
        except Resolver404:
            return {}
    func = match.func
    found = _declared(func)
    model_admin = getattr(func, "model_admin", None)
    if model_admin is not None:
        found = {**_from_admin(model_admin), **found}
    return found


def limit_for(request, part_name: str) -> int:
    fields = upload_fields_for(request)
    field = fields.get(part_name)
    if field is None:
        formset = _FORMSET_PART.match(part_name)
        if formset:
            field = fields.get(f"{formset['prefix']}:{formset['name']}")
    default = settings.FILE_UPLOAD_MAX_BYTES
    return field.max_size if field is not None else default


class PrivateUploadHandler(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if self.request is None:
            self.limit = settings.FILE_UPLOAD_MAX_BYTES
        else:
            self.limit = limit_for(self.request, field_name)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            # Returning None keeps the chunk from the handlers after this one:
            # the bytes past the limit are read off the wire and dropped.
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedUpload(
                self.file_name, self.content_type, self.received, self.limit, self.charset
            )
        return None  # the next handler (memory or temporary file) hands over the file
