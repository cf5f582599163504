"""Dashboard cards of the assets module, for the people who see the register
(assets.view_asset): assets by status, the register's book value, maintenance due
and overdue returns. Nothing for anyone else; four queries whatever the size."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from modules.assets.models import (
    ZERO,
    Asset,
    AssetStatus,
    Assignment,
    DepreciationEntry,
    WorkOrder,
)

# Open work orders due within this many days, or overdue, count as maintenance due.
DUE_DAYS = 7


def figures(today) -> dict:
    by_status = dict(
        Asset.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    # The book value is the cost plus every ledger entry (docs/assets.md), of the
    # assets still on the books; a disposed asset's disposal entry brings it to 0.
    # One aggregate query: each asset's entries summed in a correlated subquery.
    entries = (
        DepreciationEntry.objects.filter(asset_id=OuterRef("pk"))
        .order_by()
        .values("asset_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    book_value = (
        Asset.objects.exclude(status=AssetStatus.DISPOSED).aggregate(
            total=Sum(F("purchase_cost") + Coalesce(Subquery(entries), Value(ZERO)))
        )["total"]
        or ZERO
    )
    due = WorkOrder.objects.filter(
        status=WorkOrder.Status.OPEN, due_on__lte=today + timedelta(days=DUE_DAYS)
    ).aggregate(
        due=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    overdue_returns = Assignment.objects.filter(
        returned_at__isnull=True, expected_return__lt=today
    ).count()
    return {
        "by_status": by_status,
        "book_value": book_value,
        "maintenance_due": due["due"],
        "maintenance_overdue": due["overdue"],
        "overdue_returns": overdue_returns,
    }


def asset_cards(request) -> list[dict]:
    tenant = getattr(request, "tenant", None)
    if tenant is None or not request.user.has_perm("assets.view_asset"):
        return []
    today = tenant.today()
    data = figures(today)
    assets = reverse("admin:assets_asset_changelist")
    statuses = ", ".join(
        f"{label}: {data['by_status'].get(value, 0)}"
        for value, label in AssetStatus.choices
        if value != AssetStatus.DISPOSED
    )
    cards = [
        {
            "title": _("Assets by status"),
            "value": statuses,
            "icon": "devices",
            "link": assets,
        },
        {
            "title": _("Book value of the register"),
            "value": number_format(data["book_value"], 2, force_grouping=True),
            "icon": "account_balance",
            "link": assets,
        },
        {
            "title": _("Overdue returns"),
            "value": data["overdue_returns"],
            "icon": "assignment_late",
            "link": reverse("admin:assets_assignment_changelist"),
        },
    ]
    if request.user.has_perm("assets.view_workorder"):
        cards.insert(
            2,
            {
                "title": _("Maintenance due (7 days or overdue)"),
                "value": data["maintenance_due"],
                "icon": "build",
                "link": reverse("admin:assets_workorder_changelist"),
            },
        )
    return cards
