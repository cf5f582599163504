"""The cross-tenant crawler: walks every model registered on an admin site and
reports every way tenant A's user can see tenant B's rows.

It is told nothing about the models: it reads the site's registry, makes one
row per model in each tenant through ``tests.factories.tenant_factories()``, and
for each of B's rows checks the change, delete and history pages (404), the
changelist, the export, and every autocomplete that can list the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.admin import AdminSite
from django.db.models import ForeignKey, ManyToManyField, Model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from opsplatform.tenancy import tenant_context
from tests.factories import tenant_factories


class MissingFactory(AssertionError):
    pass


@dataclass
class CrawlReport:
    models: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def leak(self, model: type[Model], where: str, detail: str) -> None:
        self.problems.append(f"{model._meta.label}: {where}: {detail}")


def make_rows(site: AdminSite, tenant) -> dict[type[Model], Model]:
    rows = {}
    factories = tenant_factories()
    with tenant_context(tenant):
        for model in site._registry:
            make = factories.get(model)
            if make is None:
                raise MissingFactory(
                    f"{model._meta.label} is registered in the tenant admin but has no factory: "
                    "add one to tests/modules/<module>/factories.py (or tests/factories.py for the kernel)."
                )
            rows[model] = make()
    return rows


def _url(name: str, *args, urlconf: str | None) -> str | None:
    try:
        return reverse(name, args=args, urlconf=urlconf)
    except NoReverseMatch:
        return None


def crawl(
    site: AdminSite,
    client: Client,
    foreign_rows: dict[type[Model], Model],
    urlconf: str | None = None,
) -> CrawlReport:
    """``client`` is signed in as tenant A's owner on A's host; ``foreign_rows`` are B's."""
    report = CrawlReport()

    def get(url, **kwargs):
        report.requests += 1
        return client.get(url, **kwargs)

    def post(url, data):
        report.requests += 1
        return client.post(url, data)

    for model, row in foreign_rows.items():
        label = model._meta.label
        report.models.append(label)
        prefix = f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_"
        marker = str(row)

        for page in ("change", "delete", "history"):
            url = _url(prefix + page, row.pk, urlconf=urlconf)
            if url is None:
                continue
            response = get(url)
            if response.status_code != 404:
                report.leak(
                    model, f"{page} page of B's id {row.pk}", f"HTTP {response.status_code}"
                )

        changelist = _url(prefix + "changelist", urlconf=urlconf)
        response = get(changelist)
        if response.status_code == 200:
            if response.context and "cl" in response.context:
                # Evaluated after the request, so as the request's tenant (an admin's
                # prefetch_related goes through the fail-closed default manager).
                with tenant_context(getattr(response.wsgi_request, "tenant", None)):
                    shown = {obj.pk for obj in response.context["cl"].queryset}
                if row.pk in shown:
                    report.leak(model, "changelist", f"B's row {row.pk} listed")
            if marker in response.content.decode():
                report.leak(model, "changelist", f"B's text {marker!r} on the page")
            # Asking for B's row by id through the changelist's own filter.
            response = get(changelist, data={"pk__exact": row.pk})
            if response.status_code == 200 and marker in response.content.decode():
                report.leak(model, "changelist ?pk__exact", f"B's text {marker!r} on the page")

        export = _url(prefix + "export", urlconf=urlconf)
        if export is not None:
            for data in (
                {"format": "0", "resource": "0"},
                {"format": "0", "resource": "0", "export_items": [str(row.pk)]},
            ):
                response = post(export, data)
                if response.status_code == 200 and response.get("Content-Disposition"):
                    body = response.content.decode("utf-8", "replace")
                    if marker in body:
                        report.leak(model, f"export {sorted(data)}", f"B's text {marker!r} in file")

        for source_model, field_name in _autocomplete_sources(site, model):
            response = get(
                _url(f"{site.name}:autocomplete", urlconf=urlconf),
                data={
                    "term": "",
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field_name,
                },
            )
            if response.status_code == 200:
                ids = {str(item["id"]) for item in response.json().get("results", [])}
                if str(row.pk) in ids:
                    report.leak(
                        model,
                        f"autocomplete via {source_model._meta.label}.{field_name}",
                        "B listed",
                    )
    return report


def _autocomplete_sources(site: AdminSite, target: type[Model]):
    """Every (registered model, relation field) whose autocomplete can list ``target``."""
    for source in site._registry:
        for f in source._meta.get_fields():
            if isinstance(f, ForeignKey | ManyToManyField) and f.related_model is target:
                yield source, f.name
