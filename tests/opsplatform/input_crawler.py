"""The bad input crawler: every add and change form of every model registered on an
admin site, posted with hostile values per field type, as a browser would post it.

Like the cross-tenant crawler it is told nothing about the models: it reads the
site's registry, makes a row through ``tests.factories.tenant_factories()``,
reads each form from the rendered page (so the posted data is what a person's
browser sends, inlines and management forms included) and replaces one field
at a time. Each post runs in a savepoint that is rolled back, so one accepted
value does not make the next post fail for another reason.

A problem is any of: an exception or a 500; a refused form that still changed
the row or added one; an accepted value that is not sane once stored (a bidi
control in a one-line text, an implausible date, a text past the cap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django import forms
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse

from opsplatform.tenancy import tenant_context
from opsplatform.validation import BIDI_CONTROLS, EARLIEST_DATE, LATEST_DATE, TEXT_MAX_LENGTH
from tests.factories import tenant_factories

HUGE = "1" + "0" * 30
LONG_TEXT = "x" * 100_000
BIDI = "Ann\u202egnp.exe\u2066\u2069"


class _Rollback(Exception):
    pass


class _FormReader(HTMLParser):
    """The name/value pairs a browser would submit for the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._select_options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.pairs.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in a
            self._select_options = []
        elif tag == "option" and self._select is not None:
            self._select_options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not self._select_multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.pairs.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def read_form(html: str, form_id: str) -> tuple[dict[str, list[str]], list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.pairs:
        data.setdefault(name, []).append(value)
    return data, reader.links


def hostile_values(form_field: forms.Field, db_field: models.Field | None) -> list[dict]:
    """Replacements for one field: {suffix: value}, "" being the field's own name."""
    if isinstance(form_field, forms.SplitDateTimeField):
        return [{"_0": "0001-01-01", "_1": "00:00"}, {"_0": "9999-12-31", "_1": "23:59:59"}]
    if isinstance(form_field, forms.DateTimeField):
        return [{"": "0001-01-01 00:00"}, {"": "9999-12-31 23:59:59"}]
    if isinstance(form_field, forms.DateField):
        return [{"": "0001-01-01"}, {"": "9999-12-31"}]
    if isinstance(form_field, forms.IntegerField):
        return [{"": HUGE}, {"": "-" + HUGE}, {"": "-1"}]
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return [{"": HUGE}, {"": "1e30"}, {"": "-" + HUGE}, {"": "-1"}, {"": "NaN"}]
    if isinstance(form_field, forms.CharField) and not isinstance(
        form_field, forms.URLField | forms.SlugField
    ):
        values = [{"": LONG_TEXT}]
        if isinstance(db_field, models.CharField):
            values.append({"": BIDI})
        return values
    return []


@dataclass
class InputReport:
    posts: int = 0
    forms: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _snapshot(model, pk):
    obj = model._base_manager.filter(pk=pk).first()
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def _insane(db_field: models.Field, value) -> str | None:
    if isinstance(value, str):
        if isinstance(db_field, models.CharField) and BIDI_CONTROLS.search(value):
            return "a bidi control character was stored"
        if len(value) > TEXT_MAX_LENGTH:
            return f"a text of {len(value)} characters was stored"
    if hasattr(value, "year") and not EARLIEST_DATE.year <= value.year <= LATEST_DATE.year:
        return f"the date {value!r} was stored"
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        if isinstance(db_field, models.PositiveIntegerRelDbTypeMixin):
            return f"a negative value {value} was stored"
    return None


def crawl_inputs(site, client, tenant, urlconf: str | None = None) -> InputReport:
    """``client`` is signed in as the tenant's owner on its host."""
    report = InputReport()
    with tenant_context(tenant):
        factories = tenant_factories()
        rows = {model: factories[model]() for model in site._registry}

    for model, row in rows.items():
        prefix = f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_"
        try:
            add = reverse(prefix + "add", urlconf=urlconf)
            change = reverse(prefix + "change", args=[row.pk], urlconf=urlconf)
        except NoReverseMatch:
            continue
        _crawl_page(report, client, tenant, model, change, row.pk)
        page = client.get(add)
        if page.status_code == 200 and page.context and "adminform" in page.context:
            _crawl_page(report, client, tenant, model, add, None, page=page)
        elif page.status_code == 200:
            # A chooser first (a request's kind): each of its links is an add form.
            links = sorted(
                set(re.findall(rf'href="({re.escape(add)}\?[^"]+)"', page.content.decode()))
            )
            for link in links:
                _crawl_page(report, client, tenant, model, link.replace("&amp;", "&"), None)
    return report


def _crawl_page(report, client, tenant, model, url, pk, page=None):
    label = f"{model._meta.label} {'change' if pk else 'add'} {url}"
    page = page or client.get(url)
    if page.status_code != 200 or not page.context or "adminform" not in page.context:
        report.notes.append(f"{label}: no form (HTTP {page.status_code})")
        return
    form = page.context["adminform"].form
    baseline, _links = read_form(page.content.decode(), f"{model._meta.model_name}_form")
    if not baseline:
        report.notes.append(f"{label}: read-only")
        return
    report.forms.append(label)
    for name, form_field in form.fields.items():
        try:
            db_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a form-only field
            db_field = None
        for replacement in hostile_values(form_field, db_field):
            data = dict(baseline)
            for suffix, value in replacement.items():
                data[name + suffix] = [value]
            shown = next(iter(replacement.values()))
            shown = shown if len(shown) < 40 else f"{shown[:12]}…({len(shown)} chars)"
            problem = _post_one(client, tenant, model, url, pk, data, db_field)
            report.posts += 1
            if problem:
                report.problems.append(f"{label}: {name}={shown!r}: {problem}")


def _post_one(client, tenant, model, url, pk, data, db_field) -> str | None:
    problem = None
    try:
        with transaction.atomic():
            with tenant_context(tenant):
                before_pks = set(model._base_manager.values_list("pk", flat=True))
                before = _snapshot(model, pk) if pk else None
            try:
                response = client.post(url, data)
            except Exception as error:  # what a 500 would be
                raise _Rollback(f"raised {type(error).__name__}: {str(error)[:200]}") from error
            with tenant_context(tenant):
                if response.status_code >= 500:
                    problem = f"HTTP {response.status_code}"
                elif response.status_code == 200:  # refused, shown again with errors
                    if pk and _snapshot(model, pk) != before:
                        problem = "refused, yet the row changed"
                    if set(model._base_manager.values_list("pk", flat=True)) - before_pks:
                        problem = "refused, yet a row was added"
                elif response.status_code in (301, 302) and db_field is not None:
                    new = set(model._base_manager.values_list("pk", flat=True)) - before_pks
                    target = pk or (max(new) if new else None)
                    if target is not None:
                        stored = model._base_manager.filter(pk=target).values_list(
                            db_field.attname, flat=True
                        )
                        problem = _insane(db_field, stored.first()) if stored else None
            raise _Rollback(problem)
    except _Rollback as rollback:
        return rollback.args[0]
    return problem
