"""The register: each row is one new asset.

Categories, suppliers and locations are named, and must exist. A tag twice in
the file, or already in the register, is a problem on its row (tags are unique
per company, ignoring case); an empty tag gets the category's next one when the
file is written (services/register.next_tags, which skips tags already taken),
never one the file itself uses. Custom fields come in ``custom_<key>`` columns,
checked against the row's category. Assets are written with
``create_with_history`` (COPY on PostgreSQL), one creation history row each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from modules.assets.importing.columns import CUSTOM_PREFIX, REGISTER_COLUMNS
from modules.assets.models import Asset, AssetCategory, CategoryField, Supplier
from modules.assets.services.register import next_tags
from modules.employees.models import WorkLocation
from opsplatform.bulk import create_with_history
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import RowCheck, check_rows
from opsplatform.tenancy.context import require_current_tenant

COLUMNS = REGISTER_COLUMNS


def _limit(name: str) -> int:
    return Asset._meta.get_field(name).max_length


def columns() -> list[tuple]:
    """The fixed columns and one ``custom_<key>`` per custom field of the company."""
    keys = sorted(set(CategoryField.objects.values_list("key", "label")))
    seen: dict[str, str] = {}
    for key, label in keys:
        seen.setdefault(key, label)
    return [*COLUMNS, *((f"{CUSTOM_PREFIX}{key}", False, label) for key, label in seen.items())]


@dataclass(slots=True)
class NewAsset:
    line: int
    tag: str
    name: str
    serial_number: str
    category: AssetCategory
    supplier_id: int | None
    purchase_date: date
    purchase_cost: Decimal
    salvage_value: Decimal
    warranty_end: date | None
    location_id: int | None
    custom_values: dict = field(default_factory=dict)


@dataclass
class Lookups:
    categories: dict[str, AssetCategory]
    suppliers: dict[str, int]
    locations: dict[str, int]
    fields: dict[int, list[CategoryField]]  # category id -> its custom fields
    taken: set[str]  # lower(tag) of every asset of the company

    @classmethod
    def load(cls) -> Lookups:
        fields: dict[int, list[CategoryField]] = defaultdict(list)
        for custom in CategoryField.objects.order_by("order", "pk"):
            fields[custom.category_id].append(custom)
        return cls(
            categories={c.name.lower(): c for c in AssetCategory.objects.all()},
            suppliers={name.lower(): pk for pk, name in Supplier.objects.values_list("pk", "name")},
            locations={
                name.lower(): pk for pk, name in WorkLocation.objects.values_list("pk", "name")
            },
            fields=fields,
            taken={tag.lower() for tag in Asset.objects.values_list("tag", flat=True)},
        )


def check(headers: list[str], rows: Iterable[SourceRow]) -> tuple[ImportReport, list[NewAsset]]:
    lookups = Lookups.load()
    lines: dict[str, int] = {}  # lower(tag) -> the first line that has it
    return check_rows(headers, rows, lambda row: _check_row(row, lookups, lines))


def _named(row: RowCheck, column: str, found: dict, message: str):
    name = row.text(column)
    if not name:
        return None
    value = found.get(name.lower())
    if value is None:
        row.fail(column, message % {"value": name})
    return value


def _check_row(row: RowCheck, lookups: Lookups, lines: dict) -> NewAsset | None:
    tag = row.text("tag", limit=_limit("tag"))
    name = row.text("name", required=True, limit=_limit("name"))
    serial = row.text("serial_number", limit=_limit("serial_number"))
    category_name = row.text("category", required=True)
    category = lookups.categories.get(category_name.lower()) if category_name else None
    if category_name and category is None:
        row.fail("category", _("No asset category “%(value)s”.") % {"value": category_name})
    supplier = _named(row, "supplier", lookups.suppliers, _("No supplier “%(value)s”."))
    location = _named(row, "location", lookups.locations, _("No work location “%(value)s”."))
    bought = row.day("purchase_date", required=True)
    cost = row.number("purchase_cost", required=True)
    salvage = row.number("salvage_value")
    warranty = row.day("warranty_end")
    if cost is not None and salvage is not None and salvage > cost:
        row.fail("salvage_value", _("The salvage value cannot be more than the cost."))
    if bought and warranty and warranty < bought:
        row.fail("warranty_end", _("The warranty cannot end before the purchase."))
    if tag:
        key = tag.lower()
        if key in lookups.taken:
            row.fail("tag", _("Another asset has the tag %(tag)s.") % {"tag": tag})
        elif key in lines:
            row.fail(
                "tag",
                _("The tag %(tag)s is on line %(line)d too.") % {"tag": tag, "line": lines[key]},
            )
        else:
            lines[key] = row.line
    custom = _custom_values(row, category, lookups) if category is not None else {}
    if row.failed:
        return None
    return NewAsset(
        line=row.line,
        tag=tag,
        name=name,
        serial_number=serial,
        category=category,
        supplier_id=supplier,
        purchase_date=bought,
        purchase_cost=cost,
        salvage_value=salvage or Decimal("0"),
        warranty_end=warranty,
        location_id=location,
        custom_values=custom,
    )


def _custom_values(row: RowCheck, category: AssetCategory, lookups: Lookups) -> dict:
    """The category's custom fields from their columns, checked as the asset form
    checks them (services/register.clean_custom_values), without a query a row."""
    values: dict = {}
    for custom in lookups.fields.get(category.pk, ()):
        column = f"{CUSTOM_PREFIX}{custom.key}"
        raw = row.text(column) if row.has(column) else ""
        if not raw:
            if custom.required:
                row.fail(
                    column,
                    _("%(label)s is required for %(category)s.")
                    % {"label": custom.label, "category": category.name},
                )
            continue
        if custom.kind == CategoryField.Kind.CHOICE and raw not in custom.options():
            row.fail(
                column,
                _("%(label)s must be one of: %(options)s.")
                % {"label": custom.label, "options": ", ".join(custom.options())},
            )
            continue
        if custom.kind == CategoryField.Kind.NUMBER:
            try:
                Decimal(raw)
            except ArithmeticError:
                row.fail(column, _("“%(value)s” is not a number.") % {"value": raw[:40]})
                continue
        if custom.kind == CategoryField.Kind.DATE:
            raw = row.day(column)
            if raw is None:
                continue
            raw = raw.isoformat()
        values[custom.key] = raw
    return values


def _fill_tags(items: list[NewAsset]) -> None:
    """Give every row without a tag its category's next one, skipping the file's own."""
    in_file = {item.tag.lower() for item in items if item.tag}
    untagged: dict[int, list[NewAsset]] = defaultdict(list)
    for item in items:
        if not item.tag:
            untagged[item.category.pk].append(item)
    for rows in untagged.values():
        waiting = list(rows)
        while waiting:
            tags = [
                t for t in next_tags(rows[0].category, len(waiting)) if t.lower() not in in_file
            ]
            for item, tag in zip(waiting, tags, strict=False):
                item.tag = tag
            waiting = waiting[len(tags) :]


def apply(items: list[NewAsset], report: ImportReport, *, user=None) -> None:
    """Write every checked asset in one transaction (only call with ``report.ok``)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    with transaction.atomic():
        _fill_tags(items)
        objects = [
            Asset(
                tenant=tenant,
                tag=item.tag,
                name=item.name,
                serial_number=item.serial_number,
                category=item.category,
                supplier_id=item.supplier_id,
                purchase_date=item.purchase_date,
                purchase_cost=item.purchase_cost,
                salvage_value=item.salvage_value,
                warranty_end=item.warranty_end,
                location_id=item.location_id,
                custom_values=item.custom_values,
            )
            for item in items
        ]
        create_with_history(objects, Asset, user=user, reason=_("Imported from file"))
    report.created = len(objects)
    report.applied = True
