"""Fulfilling an approved asset request: finance hands the requester an asset in
stock, or registers the one bought for them and hands it out, in one step.

Each fulfilment is one transaction that starts by locking the request's row, so
a double click or two people in finance at once fulfil it once: the second
finds it fulfilled and is told by whom. The hand-out is custody's own
(``custody.assign``: the asset's lock, the lifecycle move, the assignment), and
both the asset and the assignment name the request, so each page links to the
other.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.assets.models import Asset, AssetCategory, AssetRequest, AssetStatus, Assignment
from modules.assets.services.custody import assign
from modules.assets.services.lifecycle import lock
from modules.assets.services.register import asset_save
from modules.employees.models import Employee
from opsplatform.refusals import Refused


def waiting() -> QuerySet[AssetRequest]:
    """The fulfilment queue, oldest approval first, with what the list shows (one query)."""
    return (
        AssetRequest.objects.filter(awaiting_since__isnull=False, fulfilled_at__isnull=True)
        .select_related("approval", "approval__requester", "approval__employee")
        .order_by("awaiting_since", "pk")
    )


def waiting_count() -> int:
    return AssetRequest.objects.filter(
        awaiting_since__isnull=False, fulfilled_at__isnull=True
    ).count()


def in_stock(category_name: str = "") -> QuerySet[Asset]:
    """Assets that can be handed out. ``category_name`` is the request's free text:
    when a category has that name, only its assets; otherwise every one in stock
    (the requester may not know the register's names)."""
    assets = Asset.objects.filter(status=AssetStatus.IN_STOCK).select_related("category")
    name = category_name.strip()
    if name and AssetCategory.objects.filter(name__iexact=name).exists():
        assets = assets.filter(category__name__iexact=name)
    return assets.order_by("tag", "pk")


def _lock_waiting(request_id: int) -> AssetRequest:
    """The request's row, locked; refused when it is not (or no longer) waiting."""
    subject = (
        AssetRequest.objects.select_for_update(of=("self",))
        .select_related("approval", "fulfilled_by")
        .filter(pk=request_id)
        .first()
    )
    if subject is None:
        raise Refused(_("This asset request is not in this company."))
    if subject.fulfilled_at is not None:
        who = subject.fulfilled_by.get_full_name() if subject.fulfilled_by else _("someone")
        raise Refused(
            _("Already fulfilled by %(name)s on %(when)s.")
            % {
                "name": who,
                "when": timezone.localtime(subject.fulfilled_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if subject.awaiting_since is None:
        raise Refused(_("This request has not been approved yet."))
    return subject


def _requester_employee(subject: AssetRequest) -> Employee:
    approval = subject.approval
    employee = None
    if approval.employee_id:
        employee = Employee.objects.filter(pk=approval.employee_id).first()
    if employee is None:
        employee = Employee.objects.filter(membership__user_id=approval.requester_id).first()
    if employee is None:
        raise Refused(
            _("%(name)s has no employee record to hand the asset to.")
            % {"name": approval.requester.get_full_name()}
        )
    return employee


def _finish(subject: AssetRequest, asset: Asset, *, by, expected_return, condition) -> Assignment:
    employee = _requester_employee(subject)
    assignment = assign(
        asset,
        employee=employee,
        expected_return=expected_return,
        condition=condition,
        by=by,
        request=subject.approval,
    )
    asset = lock(asset)
    asset.request = subject.approval
    asset.save(update_fields=["request", "updated_at"])
    subject.fulfilled_at = timezone.now()
    subject.fulfilled_by = by
    subject.save(update_fields=["fulfilled_at", "fulfilled_by"])
    return assignment


@transaction.atomic
def fulfil_from_stock(
    *, request_id: int, asset: Asset | int, by, expected_return=None, condition: str = ""
) -> Assignment:
    """Hand the requester an asset the company has in stock."""
    subject = _lock_waiting(request_id)
    pk = asset.pk if isinstance(asset, Asset) else asset
    found = Asset.objects.filter(pk=pk).first()
    if found is None:
        raise Refused(_("Choose an asset of this company."), field="asset")
    if found.status != AssetStatus.IN_STOCK:
        raise Refused(
            _("%(asset)s is not in stock: it is %(status)s.")
            % {"asset": found.tag, "status": found.get_status_display().lower()},
            field="asset",
        )
    return _finish(subject, found, by=by, expected_return=expected_return, condition=condition)


@transaction.atomic
def fulfil_by_purchase(
    *, request_id: int, asset: Asset, by, expected_return=None, condition: str = ""
) -> Assignment:
    """Register the asset bought for the request (``asset``, not saved yet) and hand it out."""
    subject = _lock_waiting(request_id)
    if asset.pk is not None:
        raise ValueError("fulfil_by_purchase registers a new asset")
    asset.request = subject.approval
    asset_save(asset)
    return _finish(subject, asset, by=by, expected_return=expected_return, condition=condition)
