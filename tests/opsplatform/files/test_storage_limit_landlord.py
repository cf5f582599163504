"""Platform staff uploading a company's logo past that company's file storage get
the limit's message, not an error page, and nothing is stored."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.opsplatform.files.test_storage_limit import fill, media, on_plan  # noqa: F401

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 90, 200)).save(out, "PNG")
    return out.getvalue()


def _form_data(body: str) -> dict:
    """The change form's own values, as the browser would send them back."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_logo_past_the_companys_storage_is_refused_with_the_limit(  # noqa: F811
    tenant_a, platform_admin, client_for, media, on_plan
):
    on_plan(tenant_a, {"files.storage_mb": 1})
    fill(tenant_a, 1)
    client = client_for(None, platform_admin)
    url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
    data = _form_data(client.get(url).content.decode())
    data["logo"] = SimpleUploadedFile("logo.png", _png(), content_type="image/png")

    response = client.post(url, data)

    assert response.status_code in (200, 409), response.status_code
    assert "File storage (MB)" in response.content.decode()
    tenant_a.refresh_from_db()
    assert not tenant_a.logo
