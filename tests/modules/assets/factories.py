"""Factories of the assets module, registered for the crawlers (tests/factories.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from modules.assets.models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetFile,
    AssetStatus,
    Assignment,
    CategoryField,
    DepreciationEntry,
    MaintenancePlan,
    MeterReading,
    Supplier,
    TagCounter,
    WorkOrder,
)
from tests.factories import marker, register, sample_upload
from tests.modules.employees.factories import EmployeeFactory


class AssetCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetCategory

    name = factory.LazyFunction(lambda: marker("Category"))
    useful_life_months = 36


class CategoryFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryField

    category = factory.SubFactory(AssetCategoryFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.LazyFunction(lambda: marker("Field"))


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.LazyFunction(lambda: marker("Supplier"))


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    tag = factory.LazyFunction(lambda: marker("AT"))
    name = factory.LazyFunction(lambda: marker("Laptop"))
    category = factory.SubFactory(AssetCategoryFactory)
    purchase_date = date(2025, 1, 10)
    purchase_cost = Decimal("1800.00")
    salvage_value = Decimal("0.00")


class AssetFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetFile

    asset = factory.SubFactory(AssetFactory)
    title = factory.LazyFunction(lambda: marker("Receipt"))

    @factory.lazy_attribute
    def file(self):
        name, content = sample_upload(AssetFile._meta.get_field("file"))
        return ContentFile(content, name=name)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An open assignment to an employee; the asset is marked assigned."""

    class Meta:
        model = Assignment

    asset = factory.SubFactory(AssetFactory, status=AssetStatus.ASSIGNED)
    employee = factory.SubFactory(EmployeeFactory)
    condition_out = factory.LazyFunction(lambda: marker("Condition"))
    expected_return = factory.LazyFunction(lambda: date.today() + timedelta(days=90))


class AssetEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetEvent

    asset = factory.SubFactory(AssetFactory)
    action = "retire"
    from_status = AssetStatus.IN_STOCK
    to_status = AssetStatus.RETIRED
    reason = factory.LazyFunction(lambda: marker("Why"))


class DepreciationEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepreciationEntry

    asset = factory.SubFactory(AssetFactory)
    kind = DepreciationEntry.Kind.DEPRECIATION
    period = date(2025, 2, 1)
    amount = Decimal("-50.00")
    book_value = Decimal("1750.00")
    reason = factory.LazyFunction(lambda: marker("Month"))


class MeterReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterReading

    asset = factory.SubFactory(AssetFactory)
    read_on = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    reading = Decimal("120.00")


class MaintenancePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenancePlan

    title = factory.LazyFunction(lambda: marker("Service"))
    asset = factory.SubFactory(AssetFactory)
    every_months = 6
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


class WorkOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkOrder

    asset = factory.SubFactory(AssetFactory)
    title = factory.LazyFunction(lambda: marker("Repair"))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class TagCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TagCounter

    prefix = factory.Sequence(lambda n: f"T{n}")


register(AssetCategory)(lambda: AssetCategoryFactory())
register(CategoryField)(lambda: CategoryFieldFactory())
register(Supplier)(lambda: SupplierFactory())
register(Asset)(lambda: AssetFactory())
register(AssetFile)(lambda: AssetFileFactory())
register(Assignment)(lambda: AssignmentFactory())
register(AssetEvent)(lambda: AssetEventFactory())
register(DepreciationEntry)(lambda: DepreciationEntryFactory())
register(MeterReading)(lambda: MeterReadingFactory())
register(MaintenancePlan)(lambda: MaintenancePlanFactory())
register(WorkOrder)(lambda: WorkOrderFactory())
register(TagCounter)(lambda: TagCounterFactory())
