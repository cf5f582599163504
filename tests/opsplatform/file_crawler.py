"""The file crawler: every private file of tenant A, fetched by everyone who
must not have it, and by A's owner, who must get it with the safe headers.

It is told nothing about the models: it finds every model with a private file
field among the installed apps, makes one row per model in A through
``tests.factories.tenant_factories()`` (the company's own row for a field on the
tenant model, its logo), stores a real file in each private field, and asks:

- tenant B's owner, on B's host: 404;
- an anonymous visitor on A's host: 404;
- a plain employee of A: 404 unless that person may see the object the file
  belongs to (its admin change page answers 200 for them, or the field's
  declared permission is theirs);
- A's owner: 200, the stored bytes, ``Content-Disposition`` with the original
  name (``attachment``; ``inline`` only for images), ``nosniff`` and a
  sandboxing CSP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from opsplatform.files import access
from opsplatform.files.fields import private_fields
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.models import TenantModel
from tests.factories import give_files, tenant_factories
from tests.opsplatform.crawler import MissingFactory


@dataclass
class StoredFile:
    model: type[Model]
    pk: int
    field: object
    original_name: str
    content: bytes

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


@dataclass
class FileCrawlReport:
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused_to_member: list[str] = field(default_factory=list)

    def leak(self, stored: StoredFile, who: str, detail: str) -> None:
        self.problems.append(f"{stored.label}: {who}: {detail}")


def private_file_models() -> list[type[Model]]:
    return [model for model in apps.get_models() if private_fields(model)]


def make_files(tenant) -> list[StoredFile]:
    stored_files = []
    with tenant_context(tenant):
        for model in private_file_models():
            if issubclass(model, TenantModel):
                make = tenant_factories().get(model)
                if make is None:
                    raise MissingFactory(
                        f"{model._meta.label} has a private file field but no factory: "
                        "add one to tests/modules/<module>/factories.py (or tests/factories.py for the kernel)."
                    )
                row = make()
            elif model is type(tenant):
                row = model._base_manager.get(pk=tenant.pk)
            else:
                raise AssertionError(f"{model._meta.label}: private files belong to a tenant")
            for name, (original, content) in give_files(row).items():
                stored_files.append(
                    StoredFile(model, row.pk, model._meta.get_field(name), original, content)
                )
    return stored_files


def file_url(stored: StoredFile, urlconf: str | None = None) -> str:
    meta = stored.model._meta
    return reverse(
        "private-file",
        args=[meta.app_label, meta.model_name, stored.pk, stored.field.name],
        urlconf=urlconf,
    )


def _member_may_see(stored: StoredFile, member: Client, tenant, urlconf, site) -> bool:
    """Decided from the object's own screen, not from the file view's code."""
    owner = access.owner_of(stored.field)
    if isinstance(owner, access.AnyMember):
        return True
    with tenant_context(tenant):
        row = stored.model._base_manager.get(pk=stored.pk)
        if isinstance(owner, access.Permission):
            user = _user_of(member)
            return bool(user and user.has_perm(owner.perm))
        target = owner.target(row)
    meta = target._meta
    try:
        change = reverse(
            f"{site.name}:{meta.app_label}_{meta.model_name}_change",
            args=[target.pk],
            urlconf=urlconf,
        )
    except NoReverseMatch:
        return False
    return member.get(change).status_code == 200


def _user_of(client: Client):
    from django.contrib.auth import get_user_model

    user_id = client.session.get("_auth_user_id")
    return get_user_model()._default_manager.filter(pk=user_id).first() if user_id else None


def _body(response) -> bytes:
    # Reading a streamed answer to its end lets the test client close it (and the
    # file) without closing the test's database connection, as close() would.
    return response.getvalue()


def crawl_files(
    stored_files: list[StoredFile],
    *,
    tenant,
    owner: Client,
    stranger: Client,
    anonymous: Client,
    member: Client,
    site,
    urlconf: str | None = None,
) -> FileCrawlReport:
    """``owner``, ``anonymous`` and ``member`` are on ``tenant``'s host; ``stranger``
    is another tenant's owner on that tenant's host."""
    report = FileCrawlReport()
    for stored in stored_files:
        report.files.append(stored.label)
        url = file_url(stored, urlconf)

        for who, client in (("tenant B's owner", stranger), ("anonymous visitor", anonymous)):
            response = client.get(url)
            if response.status_code != 404:
                report.leak(stored, who, f"HTTP {response.status_code}")
            _body(response)

        may_see = _member_may_see(stored, member, tenant, urlconf, site)
        response = member.get(url)
        if not may_see:
            report.refused_to_member.append(stored.label)
            if response.status_code != 404:
                report.leak(stored, "employee without the right", f"HTTP {response.status_code}")
        elif response.status_code != 200:
            report.leak(stored, "employee who may see it", f"HTTP {response.status_code}")
        _body(response)

        response = owner.get(url)
        if response.status_code != 200:
            report.leak(stored, "owner", f"HTTP {response.status_code}")
            continue
        if _body(response) != stored.content:
            report.leak(stored, "owner", "body is not the stored file")
        disposition = response.get("Content-Disposition", "")
        kind = stored.field.types[0]
        expected = "inline" if kind.inline else "attachment"
        if not disposition.startswith(expected) or stored.original_name not in disposition:
            report.leak(stored, "owner", f"Content-Disposition {disposition!r}")
        if response.get("X-Content-Type-Options") != "nosniff":
            report.leak(stored, "owner", "no X-Content-Type-Options: nosniff")
        if "sandbox" not in response.get("Content-Security-Policy", ""):
            report.leak(stored, "owner", "no sandboxing Content-Security-Policy")
        if response.get("Content-Type", "").split(";")[0] != kind.content_type:
            report.leak(stored, "owner", f"Content-Type {response.get('Content-Type')!r}")
    return report
