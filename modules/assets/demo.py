"""Demo data of the assets module for seed_demo (docs/assets.md, "Demo").

Acme (on a plan with assets) gets about 150 assets over five categories, bought
over the last thirty months, with every month of depreciation up to last month
posted (two years for the oldest), from the schedules of depreciation.py. Most
laptops and phones are held by demo employees (two of them past their expected
return), one vehicle is in repair on an open work order, one old laptop or monitor was sold for parts
at a loss, and an approved asset request waits in the fulfilment queue, with a
finance login (finance@acme.test) to fulfil it.

Rows are bulk written, as a company moving in from a spreadsheet would be; the
figures are the ones the services would post. A company that has assets already
is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from modules.approvals import services as approvals
from modules.approvals.selectors import current_gate
from modules.assets import depreciation as schedules
from modules.assets.models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetStatus,
    Assignment,
    CategoryField,
    DepreciationEntry,
    DisposalKind,
    MaintenancePlan,
    Supplier,
    WorkOrder,
)
from modules.assets.services.register import next_tags
from modules.employees.models import Employee, WorkLocation
from opsplatform.bulk import create_with_history
from tenants.models import Membership, RoleGrant, User
from tenants.roles import RoleCode

PASSWORD = "demo-pass-123"
SEEDED = {"acme"}
# name, tag prefix, method, life (months), rate, count, cost range, supplier
CATEGORIES = [
    ("Laptops", "LAP", schedules.STRAIGHT_LINE, 36, None, 60, (1100, 2600), "Dell"),
    ("Monitors", "MON", schedules.STRAIGHT_LINE, 60, None, 40, (180, 650), "Samsung"),
    ("Phones", "PHN", schedules.STRAIGHT_LINE, 24, None, 30, (400, 1300), "Apple"),
    (
        "Vehicles",
        "VEH",
        schedules.DECLINING_BALANCE,
        60,
        Decimal("30"),
        6,
        (24000, 48000),
        "Toyota Fleet",
    ),
    ("Furniture", "FUR", schedules.STRAIGHT_LINE, 84, None, 14, (300, 1400), "Herman Miller"),
]
CUSTOM_FIELDS = {
    "Laptops": [
        ("ram_gb", "RAM (GB)", CategoryField.Kind.NUMBER, ""),
        ("cpu", "Processor", CategoryField.Kind.TEXT, ""),
    ],
    "Vehicles": [
        ("plate", "Plate", CategoryField.Kind.TEXT, ""),
        ("fuel", "Fuel", CategoryField.Kind.CHOICE, "Petrol,Diesel,Electric,Hybrid"),
    ],
}
MODELS = {
    "Laptops": ["Latitude 7450", "XPS 14", "MacBook Pro 14", "ThinkPad X1"],
    "Monitors": ["UltraSharp 27", "Odyssey 32", "ThinkVision 24"],
    "Phones": ["iPhone 16", "Galaxy S25", "Pixel 10"],
    "Vehicles": ["Hilux", "Corolla Cross", "Proace van"],
    "Furniture": ["Aeron chair", "Standing desk", "Meeting table"],
}


def _login(employee: Employee, email: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=employee.full_name)
        user.set_password(PASSWORD)
        user.save()
    membership = Membership.objects.filter(user=user).first() or Membership.objects.create(
        user=user
    )
    RoleGrant.objects.get_or_create(membership=membership, role=role)
    employee.membership = membership
    employee.save(update_fields=["membership"])
    return user


def _posted(tenant, asset: Asset, until: date) -> list[DepreciationEntry]:
    basis = schedules.Basis(
        cost=asset.purchase_cost,
        salvage=asset.salvage_value,
        start=asset.service_start,
        life_months=asset.life_months(),
        method=asset.method(),
        rate=asset.rate(),
    )
    return [
        DepreciationEntry(
            tenant=tenant,
            asset=asset,
            kind=DepreciationEntry.Kind.DEPRECIATION,
            period=month.period,
            amount=-month.amount,
            book_value=month.book_value,
            reason="Monthly depreciation",
        )
        for month in schedules.schedule(basis)
        if month.period <= until
    ]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def seed(*, tenant, stdout) -> None:
    if tenant.slug not in SEEDED or Asset.objects.exists() or not Employee.objects.exists():
        return
    rng = random.Random(f"assets-{tenant.slug}")
    today = timezone.localdate()
    last_month = schedules.month_start(schedules.add_months(today, -1))
    locations = list(WorkLocation.objects.order_by("pk"))
    people = list(Employee.objects.filter(status=Employee.Status.ACTIVE).order_by("pk").only("pk"))
    suppliers = {
        name: Supplier.objects.create(name=name)
        for name in sorted({spec[-1] for spec in CATEGORIES})
    }

    assets: list[Asset] = []
    for name, prefix, method, life, rate, count, (low, high), supplier in CATEGORIES:
        category = AssetCategory.objects.create(
            name=name,
            tag_prefix=prefix,
            depreciation_method=method,
            useful_life_months=life,
            declining_rate=rate,
        )
        for order, (key, label, kind, choices) in enumerate(CUSTOM_FIELDS.get(name, [])):
            CategoryField.objects.create(
                category=category, key=key, label=label, kind=kind, choices=choices, order=order
            )
        for tag in next_tags(category, count):
            bought = today - timedelta(days=rng.randint(20, 900))
            custom = {}
            if name == "Laptops":
                custom = {"ram_gb": str(rng.choice([16, 32, 64])), "cpu": "Core Ultra 7"}
            elif name == "Vehicles":
                custom = {
                    "plate": f"NY {rng.randint(1000, 9999)}",
                    "fuel": rng.choice(["Diesel", "Hybrid"]),
                }
            assets.append(
                Asset(
                    tenant=tenant,
                    tag=tag,
                    name=rng.choice(MODELS[name]),
                    serial_number=f"SN{rng.randint(10**7, 10**8 - 1)}",
                    category=category,
                    supplier=suppliers[supplier],
                    purchase_date=bought,
                    purchase_cost=Decimal(rng.randint(low, high)),
                    salvage_value=Decimal(rng.randint(1, 5) * 1000)
                    if name == "Vehicles"
                    else Decimal("0"),
                    warranty_end=bought + timedelta(days=365 * (3 if name == "Laptops" else 2)),
                    location=rng.choice(locations) if locations else None,
                    custom_values=custom,
                )
            )
    create_with_history(assets, Asset, reason="Demo data")

    # Custody: most laptops and phones with people; two are overdue for return.
    held = [a for a in assets if a.category.tag_prefix in {"LAP", "PHN"}][: max(len(people) - 1, 0)]
    old_laptops = [
        a
        for a in assets
        if a.category.tag_prefix in {"LAP", "MON"}
        and a not in held
        and a.purchase_date < today - timedelta(days=600)
    ]
    scrapped = old_laptops[0] if old_laptops else None
    assignments, events = [], []
    for index, (asset, person) in enumerate(zip(held, people[1:], strict=False)):
        handed = max(asset.purchase_date + timedelta(days=3), today - timedelta(days=400))
        overdue = index < 2
        assignments.append(
            Assignment(
                tenant=tenant,
                asset=asset,
                employee_id=person.pk,
                assigned_at=_at(handed),
                expected_return=today - timedelta(days=10) if overdue else None,
                condition_out="New"
                if handed - asset.purchase_date < timedelta(days=10)
                else "Good",
            )
        )
        asset.status = AssetStatus.ASSIGNED
        events.append(
            AssetEvent(
                tenant=tenant,
                asset=asset,
                action="assign",
                from_status=AssetStatus.IN_STOCK,
                to_status=AssetStatus.ASSIGNED,
                reason="Demo data",
                at=_at(handed),
            )
        )
    create_with_history(assignments, Assignment, reason="Demo data")

    # Two years of depreciation, month by month up to last month.
    entries = [
        entry
        for asset in assets
        if asset.category.depreciable
        for entry in _posted(tenant, asset, last_month)
    ]

    # One old laptop or monitor sold for parts, at a loss this month: its book value written off.
    if scrapped is not None:
        book = next(
            (e.book_value for e in reversed(entries) if e.asset is scrapped), scrapped.purchase_cost
        )
        proceeds = (book / 4).quantize(Decimal("1"))
        scrapped.status = AssetStatus.DISPOSED
        scrapped.disposed_on = today
        scrapped.disposal_kind = DisposalKind.SOLD
        scrapped.disposal_proceeds = proceeds
        scrapped.disposal_gain = schedules.disposal_gain(book, proceeds)
        entries.append(
            DepreciationEntry(
                tenant=tenant,
                asset=scrapped,
                kind=DepreciationEntry.Kind.DISPOSAL,
                period=today,
                amount=-book,
                book_value=Decimal("0"),
                reason="Sold for parts after a cracked screen",
            )
        )
        for action, before, after, why in [
            (
                "retire",
                AssetStatus.IN_STOCK,
                AssetStatus.RETIRED,
                "Cracked screen, not worth repairing",
            ),
            ("dispose", AssetStatus.RETIRED, AssetStatus.DISPOSED, "Sold for parts"),
        ]:
            events.append(
                AssetEvent(
                    tenant=tenant,
                    asset=scrapped,
                    action=action,
                    from_status=before,
                    to_status=after,
                    reason=why,
                )
            )
    DepreciationEntry.objects.bulk_create(entries, batch_size=2000)

    # One van in repair on an open work order; vehicles serviced every six months.
    vehicles = AssetCategory.objects.get(tag_prefix="VEH")
    MaintenancePlan.objects.create(
        title="Vehicle service",
        category=vehicles,
        every_months=6,
        starts_on=today + timedelta(days=12),
        vendor=suppliers["Toyota Fleet"],
        instructions="Oil, filters, brakes and tyres.",
    )
    van = next(
        a for a in assets if a.category_id == vehicles.pk and a.status == AssetStatus.IN_STOCK
    )
    van.status = AssetStatus.IN_REPAIR
    WorkOrder.objects.create(
        asset=van,
        kind=WorkOrder.Kind.CORRECTIVE,
        status=WorkOrder.Status.IN_PROGRESS,
        title="Gearbox noise",
        description="Grinding from the gearbox above 60 km/h.",
        due_on=today + timedelta(days=5),
        vendor=suppliers["Toyota Fleet"],
        started_at=_at(today - timedelta(days=3)),
    )
    events.append(
        AssetEvent(
            tenant=tenant,
            asset=van,
            action="send_to_repair",
            from_status=AssetStatus.IN_STOCK,
            to_status=AssetStatus.IN_REPAIR,
            reason="Gearbox noise",
            at=_at(today - timedelta(days=3)),
        )
    )
    AssetEvent.objects.bulk_create(events)
    changed = [a for a in assets if a.status != AssetStatus.IN_STOCK]
    Asset.objects.bulk_update(
        changed,
        ["status", "disposed_on", "disposal_kind", "disposal_proceeds", "disposal_gain"],
    )

    _waiting_request(tenant, people)
    stdout.write(f"  assets: {len(assets)} assets, {len(entries)} ledger entries")


def _waiting_request(tenant, people) -> None:
    """An approved request for a laptop, waiting for finance to hand one out."""
    slug = tenant.slug
    requester = User.objects.filter(email=f"requester@{slug}.test").first()
    manager = User.objects.filter(email=f"manager@{slug}.test").first()
    spare = (
        Employee.objects.filter(membership__isnull=True, status=Employee.Status.ACTIVE)
        .order_by("-pk")
        .first()
    )
    if requester is None or manager is None or spare is None:
        return
    finance = _login(spare, f"finance@{slug}.test", RoleCode.FINANCE)
    request = approvals.request_create(
        user=requester,
        kind="asset",
        title="Laptop for the new analyst",
        asset_category="Laptops",
        specification="14-inch, 32 GB RAM",
        quantity=1,
        estimated_cost=Decimal("1900"),
        reason="Starts on Monday.",
    )
    approvals.request_submit(request_id=request.pk, user=requester)
    for person in (manager, finance):
        gate = current_gate(request)
        if gate is None:
            break
        approvals.request_decide(
            request_id=request.pk,
            user=person,
            decision=approvals.Decision.APPROVE,
            step_id=gate.pk,
        )
