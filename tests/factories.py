"""Factories, and the registry the cross-tenant crawler reads.

Every model registered in the tenant admin needs an entry in ``TENANT_FACTORIES``:
a callable that makes one row in the *current* tenant. The crawler fails,
naming the model, when one is missing. Strings carry a unique marker so a
test can tell one tenant's row in a page.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import factory
from django.db.models import Model

from tenants.models import Invitation, Membership, RoleGrant, User
from tenants.roles import RoleCode

_sequence = count(1)


def marker(prefix: str = "row") -> str:
    return f"{prefix}-{next(_sequence):05d}-mk"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.LazyFunction(lambda: f"{marker('user')}@example.test")
    full_name = factory.LazyFunction(lambda: marker("Person"))
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member of the current tenant (the tenant comes from the context)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):  # noqa: N805
        for code in extracted if extracted is not None else [RoleCode.EMPLOYEE]:
            RoleGrant.objects.create(membership=obj, role=code)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.LazyFunction(lambda: f"{marker('invitee')}@example.test")
    roles = factory.LazyFunction(lambda: [RoleCode.EMPLOYEE])


TENANT_FACTORIES: dict[type[Model], Callable[[], Model]] = {}


def register(model: type[Model]):
    def wrap(make: Callable[[], Model]):
        TENANT_FACTORIES[model] = make
        return make

    return wrap


register(Membership)(lambda: MembershipFactory())
register(Invitation)(lambda: InvitationFactory())
register(RoleGrant)(lambda: MembershipFactory(roles=[RoleCode.HR]).role_grants.get())


# -- employees -------------------------------------------------------------------

from datetime import date, timedelta  # noqa: E402

from modules.employees.models import (  # noqa: E402
    Department,
    Employee,
    EmployeeDocument,
    Position,
    WorkLocation,
    WorkSchedule,
)


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


register(Department)(lambda: DepartmentFactory())
register(Position)(lambda: PositionFactory())
register(WorkLocation)(lambda: WorkLocationFactory())
register(WorkSchedule)(lambda: WorkScheduleFactory())
register(Employee)(lambda: EmployeeFactory())
register(EmployeeDocument)(lambda: EmployeeDocumentFactory())
