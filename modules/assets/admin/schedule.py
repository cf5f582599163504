"""The depreciation schedule on an asset's page: what the ledger holds, then the
months still to come (selectors/depreciation.py), in two queries."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from modules.assets.selectors.depreciation import full_schedule


@display(description=_("schedule"))
def depreciation_schedule(model_admin, obj):
    if obj is None or obj.pk is None:
        return "-"
    return render_to_string("assets/schedule.html", {"lines": full_schedule(obj), "asset": obj})
