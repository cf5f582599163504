"""Printable asset labels: the tag, the name and a QR code that opens the asset's
page on the company's own address. One asset's label is a detail action (a GET:
it changes nothing); several are printed from the register's list action.

The QR code is drawn here as inline SVG (the ``qrcode`` package), so printing
makes no request anywhere else.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from opsplatform.tenancy.context import require_current_tenant
from tenants.links import tenant_url

# More labels than this on one sheet is a print job for the register's export.
MAX_LABELS = 500


def asset_address(asset) -> str:
    """The absolute address of the asset's page on the company's domain."""
    return tenant_url(
        require_current_tenant(), reverse("admin:assets_asset_change", args=[asset.pk])
    )


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    return image.to_string(encoding="unicode")


def render_labels(request, assets) -> TemplateResponse:
    labels = []
    for asset in assets:
        address = asset_address(asset)
        # Made by qrcode from our own address: nothing of the user's is in the markup.
        labels.append({"asset": asset, "url": address, "qr": mark_safe(qr_svg(address))})
    return TemplateResponse(
        request,
        "assets/labels.html",
        {
            "labels": labels,
            "company": require_current_tenant().name,
            "title": _("Asset labels"),
            "bidi": get_language_bidi(),
            "back_url": reverse("admin:assets_asset_changelist"),
        },
    )


@admin.action(description=_("Print labels"), permissions=["view"])
def print_labels(modeladmin, request, queryset):
    """The register's list action (a POST with the chosen rows)."""
    return render_labels(request, queryset.select_related("category").order_by("tag")[:MAX_LABELS])
