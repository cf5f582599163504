"""The one view that serves private files, on each workspace's own host.

It sends the file as a download under its original name (images may show in a
page), never lets the browser guess a type, and sandboxes it: even an HTML
file that got past the type check cannot run script on the workspace's origin.

In production the bytes do not pass through Django: with ``PRIVATE_FILES_ACCEL_PREFIX``
set, nginx serves them from an ``internal`` location (``X-Accel-Redirect``); with
S3 as the default storage, a redirect to a signed URL that lives
``PRIVATE_FILES_URL_EXPIRY`` seconds and carries the same disposition.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from opsplatform.files.access import private_file_or_none

SANDBOX_CSP = "sandbox; default-src 'none'"
OPAQUE = "application/octet-stream"


def _is_s3(storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages not installed: no S3 branch
        return False
    return isinstance(storage, S3Storage)


def file_response(field_file) -> HttpResponse:
    kind = field_file.file_type
    content_type = kind.content_type if kind is not None else OPAQUE
    inline = kind is not None and kind.inline
    disposition = content_disposition_header(not inline, field_file.original_name)
    storage = field_file.storage
    if _is_s3(storage):
        response = HttpResponseRedirect(
            storage.url(
                field_file.name,
                parameters={
                    "ResponseContentDisposition": disposition,
                    "ResponseContentType": content_type,
                },
                expire=settings.PRIVATE_FILES_URL_EXPIRY,
            )
        )
    elif settings.PRIVATE_FILES_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_ACCEL_PREFIX + quote(field_file.name)
    else:
        try:
            handle = storage.open(field_file.name, "rb")
        except FileNotFoundError:
            # The row names a file that is gone: as missing as any other refusal.
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    # Per person and re-checked on every use: a revoked right is not served from a cache.
    response["Cache-Control"] = "private, no-cache"
    return response


def make_view(site):
    @require_safe
    def private_file(request, app_label, model_name, pk, field_name):
        found = private_file_or_none(request, site, app_label, model_name, pk, field_name)
        if found is None:
            raise Http404
        _row, _field, field_file = found
        return file_response(field_file)

    return private_file
