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


# -- approvals ---------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from modules.approvals.models import (  # noqa: E402
    ApprovalRequest,
    Delegation,
    RequestKind,
    Route,
)


def make_approval_request(**fields) -> ApprovalRequest:
    """A draft purchase with one line, raised by a new member of the current tenant."""
    from modules.approvals import services

    requester = fields.pop("requester", None) or MembershipFactory().user
    lines = fields.pop(
        "lines",
        [{"description": marker("Item"), "quantity": Decimal(2), "unit_price": Decimal(50)}],
    )
    fields.setdefault("kind", RequestKind.PURCHASE)
    fields.setdefault("title", marker("Request"))
    if fields["kind"] == RequestKind.PURCHASE:
        fields.setdefault("vendor", marker("Vendor"))
    else:
        lines = []
    return services.request_create(user=requester, lines=lines, **fields)


def make_route() -> Route:
    """A route for a kind that has none yet, with one gate."""
    used = set(Route.objects.values_list("kind", flat=True))
    kind = next(value for value in RequestKind.values if value not in used)
    route = Route.objects.create(kind=kind, name=marker("Route"))
    route.gates.create(name="Manager", approver_type="line_manager", position=0)
    return route


def make_delegation() -> Delegation:
    return Delegation.objects.create(
        principal=MembershipFactory(),
        deputy=MembershipFactory(),
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=7),
        note=marker("Holiday"),
    )


register(ApprovalRequest)(lambda: make_approval_request())
register(Route)(make_route)
register(Delegation)(make_delegation)


# -- notifications (opsplatform.notifications) --------------------------------------

from opsplatform.notifications.models import Notification  # noqa: E402


def make_notification(**fields) -> Notification:
    """A notification to a new member of the current tenant; its title (an unknown
    type renders as its code) carries a marker so a page can be searched for it."""
    fields.setdefault("recipient", MembershipFactory().user)
    fields.setdefault("type_code", marker("tests.crawler"))
    fields.setdefault("context", {"marker": marker()})
    fields.setdefault("url", "/admin/")
    return Notification.objects.create(**fields)


register(Notification)(make_notification)


# -- private files (opsplatform.files) ------------------------------------------------

import io  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402

from modules.approvals.models import Attachment  # noqa: E402
from modules.employees.models import ImportJob  # noqa: E402
from opsplatform.files import types as file_types  # noqa: E402
from opsplatform.files.fields import private_fields  # noqa: E402


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _ooxml(part: str) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return out.getvalue()


SAMPLE_CONTENT = {
    file_types.PDF: lambda: b"%PDF-1.4\n% " + marker("pdf").encode() + b"\n%%EOF\n",
    file_types.PNG: lambda: _image("PNG"),
    file_types.JPEG: lambda: _image("JPEG"),
    file_types.GIF: lambda: _image("GIF"),
    file_types.WEBP: lambda: _image("WEBP"),
    file_types.DOCX: lambda: _ooxml("word/document.xml"),
    file_types.XLSX: lambda: _ooxml("xl/workbook.xml"),
    file_types.CSV: lambda: f"employee_number,first_name\n{marker('E')},Ada\n".encode(),
    file_types.TEXT: lambda: f"{marker('note')}\n".encode(),
}


def sample_upload(field) -> tuple[str, bytes]:
    """A name a person might give, and real content of the field's first allowed type."""
    kind = field.types[0]
    return f"{marker('upload')}{kind.extension}", SAMPLE_CONTENT[kind]()


def give_files(row: Model) -> dict[str, tuple[str, bytes]]:
    """Stores a real file in every private file field of ``row``; returns what was stored."""
    stored = {}
    for field in private_fields(type(row)):
        name, content = sample_upload(field)
        getattr(row, field.attname).save(name, ContentFile(content), save=True)
        stored[field.name] = (name, content)
    return stored


def make_attachment() -> Attachment:
    request = make_approval_request()
    name, content = sample_upload(Attachment._meta.get_field("file"))
    return Attachment.objects.create(
        request=request, uploaded_by=request.requester, file=ContentFile(content, name=name)
    )


def make_import_job() -> ImportJob:
    name, content = sample_upload(ImportJob._meta.get_field("file"))
    return ImportJob.objects.create(file=ContentFile(content, name=name))


# Not registered in the admin (the cross-tenant crawler never asks for them), but
# they hold private files, which the file crawler walks.
register(Attachment)(make_attachment)
register(ImportJob)(make_import_job)

# Approvals' kind subjects register their own factories (approvals' branch; the
# module-contract work moves every module's factories next to its tests).
from tests.modules.approvals import factories as _approvals_factories  # noqa: E402, F401
