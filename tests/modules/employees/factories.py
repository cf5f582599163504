"""Factories of the employees module, registered for the crawlers (tests/factories.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from modules.employees.models import (
    CostRate,
    Department,
    Employee,
    EmployeeDocument,
    ImportJob,
    Position,
    WorkLocation,
    WorkSchedule,
)
from tests.factories import marker, register, sample_upload


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.LazyFunction(lambda: marker("Dept"))


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    title = factory.LazyFunction(lambda: marker("Title"))


class WorkLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkLocation

    name = factory.LazyFunction(lambda: marker("Office"))


class WorkScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkSchedule

    name = factory.LazyFunction(lambda: marker("Schedule"))
    working_days = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    employee_number = factory.LazyFunction(lambda: marker("E"))
    first_name = factory.LazyFunction(lambda: marker("First"))
    last_name = factory.LazyFunction(lambda: marker("Last"))
    hire_date = date(2024, 1, 15)


class EmployeeDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployeeDocument

    employee = factory.SubFactory(EmployeeFactory)
    kind = EmployeeDocument.Kind.PASSPORT
    number = factory.LazyFunction(lambda: marker("P"))
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=400))


class CostRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostRate

    employee = factory.SubFactory(EmployeeFactory)
    valid_from = date(2025, 1, 1)
    hourly_rate = Decimal("45.00")
    note = factory.LazyFunction(lambda: marker("Rate"))


def make_import_job() -> ImportJob:
    name, content = sample_upload(ImportJob._meta.get_field("file"))
    return ImportJob.objects.create(file=ContentFile(content, name=name))


register(Department)(lambda: DepartmentFactory())
register(Position)(lambda: PositionFactory())
register(WorkLocation)(lambda: WorkLocationFactory())
register(WorkSchedule)(lambda: WorkScheduleFactory())
register(Employee)(lambda: EmployeeFactory())
register(EmployeeDocument)(lambda: EmployeeDocumentFactory())
register(CostRate)(lambda: CostRateFactory())
# Not registered in the admin (the cross-tenant crawler never asks for it), but
# it holds a private file, which the file crawler walks.
register(ImportJob)(make_import_job)
