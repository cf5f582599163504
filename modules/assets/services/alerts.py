"""The daily alerts: warranties ending within 30 days and work orders due within
7 days or overdue, to the people who keep the register.

Each is sent once: once per asset and warranty date, once per work order and due
date (and once more when it becomes overdue). The notices themselves are the
record: before sending, the sweep reads which (type, subject, date) already have a
notification, in one query per type, so a second sweep sends nothing new and a
changed date (a warranty extended, a work order moved) is a new notice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.formats import date_format

from modules.assets import notifications as notices
from modules.assets.models import Asset, AssetStatus, WorkOrder
from opsplatform.notifications.models import Notification
from opsplatform.notifications.services import notify
from tenants.roles import RoleCode

KEEPERS = (RoleCode.OWNER, RoleCode.CEO, RoleCode.FINANCE)


def keepers() -> list:
    """The active members who keep the register (rules.keeps_register)."""
    from tenants.models import Membership

    return [
        membership.user
        for membership in Membership.objects.filter(
            status=Membership.Status.ACTIVE, role_grants__role__in=KEEPERS
        )
        .select_related("user")
        .distinct()
    ]


def _sent(type_code: str, key: str, ids) -> set[tuple[int, str]]:
    """(subject id, date) pairs already notified, among ``ids``: one query."""
    if not ids:
        return set()
    return {
        (context.get(key), context.get("on"))
        for context in Notification.objects.filter(
            type_code=type_code, **{f"context__{key}__in": list(ids)}
        ).values_list("context", flat=True)
    }


def _url(name: str, pk: int) -> str:
    return reverse(f"admin:assets_{name}_change", args=[pk], urlconf="opsplatform.urls.tenant")


def send_alerts(today: date) -> int:
    """Send what fell due by ``today`` and was not sent yet; returns how many subjects."""
    people = keepers()
    if not people:
        return 0
    sent = 0
    ending = list(
        Asset.objects.filter(
            warranty_end__gte=today,
            warranty_end__lte=today + timedelta(days=notices.WARRANTY_NOTICE_DAYS),
        )
        .exclude(status=AssetStatus.DISPOSED)
        .order_by("warranty_end", "pk")
    )
    warranty_sent = _sent(notices.WARRANTY_ENDING, "asset_id", [a.pk for a in ending])
    for asset in ending:
        on = asset.warranty_end.isoformat()
        if (asset.pk, on) in warranty_sent:
            continue
        notify(
            recipients=people,
            type=notices.WARRANTY_ENDING,
            context={
                "asset_id": asset.pk,
                "on": on,
                "asset": str(asset),
                "date": date_format(asset.warranty_end, "DATE_FORMAT"),
            },
            url=_url("asset", asset.pk),
        )
        sent += 1
    # Open ones only: a work order in repair is under way, however late.
    orders = list(
        WorkOrder.objects.filter(
            status=WorkOrder.Status.OPEN,
            due_on__lte=today + timedelta(days=notices.DUE_NOTICE_DAYS),
        )
        .select_related("asset")
        .order_by("due_on", "pk")
    )
    ids = [order.pk for order in orders]
    due_sent = _sent(notices.MAINTENANCE_DUE, "work_order_id", ids)
    overdue_sent = _sent(notices.MAINTENANCE_OVERDUE, "work_order_id", ids)
    for order in orders:
        on = order.due_on.isoformat()
        if order.due_on < today:
            type_code, done = notices.MAINTENANCE_OVERDUE, overdue_sent
        else:
            type_code, done = notices.MAINTENANCE_DUE, due_sent
        if (order.pk, on) in done:
            continue
        notify(
            recipients=people,
            type=type_code,
            context={
                "work_order_id": order.pk,
                "on": on,
                "title": order.title,
                "asset": str(order.asset),
                "date": date_format(order.due_on, "DATE_FORMAT"),
            },
            url=_url("workorder", order.pk),
        )
        sent += 1
    return sent
