"""The kernel's factories, and the registry the crawlers read.

Every model registered in the tenant admin (and every tenant model with a
private file) needs an entry in the registry: a callable that makes one row in
the *current* tenant. The kernel's are registered here; each module registers
its own in ``tests/modules/<name>/factories.py``, which :func:`tenant_factories`
imports for every installed app (so a module that is not installed brings no
factories, and a new one needs no line here). The crawlers fail, naming the
model, when one is missing. Strings carry a unique marker so a test can tell
one tenant's row in a page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from itertools import count

import factory
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Model

from opsplatform.files import types as file_types
from opsplatform.files.fields import private_fields
from opsplatform.notifications.models import Notification
from tenants.models import Invitation, Membership, RoleGrant, User
from tenants.roles import RoleCode

_sequence = count(1)


def marker(prefix: str = "row") -> str:
    return f"{prefix}-{next(_sequence):05d}-mk"


# -- the registry ------------------------------------------------------------------

TENANT_FACTORIES: dict[type[Model], Callable[[], Model]] = {}


def register(model: type[Model]):
    def wrap(make: Callable[[], Model]):
        TENANT_FACTORIES[model] = make
        return make

    return wrap


def factory_modules() -> list[str]:
    """``tests.<app>.factories`` of every installed app that has one, in app order."""
    found = []
    for config in apps.get_app_configs():
        dotted = f"tests.{config.name}.factories"
        try:
            spec = find_spec(dotted)
        except ModuleNotFoundError:  # no tests.<package> for a third-party app
            spec = None
        if spec is not None:
            found.append(dotted)
    return found


def tenant_factories() -> dict[type[Model], Callable[[], Model]]:
    """Every registered factory: the kernel's, and each installed module's."""
    for dotted in factory_modules():
        import_module(dotted)  # registers on first import
    return TENANT_FACTORIES


# -- people and access (tenants) ----------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.LazyFunction(lambda: f"{marker('user')}@example.test")
    full_name = factory.LazyFunction(lambda: marker("Person"))
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member of the current tenant (the tenant comes from the context)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for code in extracted if extracted is not None else [RoleCode.EMPLOYEE]:
            RoleGrant.objects.create(membership=obj, role=code)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.LazyFunction(lambda: f"{marker('invitee')}@example.test")
    roles = factory.LazyFunction(lambda: [RoleCode.EMPLOYEE])


register(Membership)(lambda: MembershipFactory())
register(Invitation)(lambda: InvitationFactory())
register(RoleGrant)(lambda: MembershipFactory(roles=[RoleCode.HR]).role_grants.get())


# -- notifications (opsplatform.notifications) --------------------------------------


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
