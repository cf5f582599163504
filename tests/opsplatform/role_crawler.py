"""The cross-role crawler: walks every model registered on an admin site, as
every role of one company, and reports every way a role reaches what its
screens hide.

Like the cross-tenant crawler (``tests/opsplatform/crawler.py``) it is told
nothing about the models: it reads the site's registry, asks each ModelAdmin
what the role may do (``has_*_permission``, ``get_queryset``, the actions'
permissions), and checks, for each role:

- writes: a POST to every URL the role may not write through (add, change,
  delete, the history form, every bulk, detail, row and list action) changes
  nothing. The POST carries the data the page would send, with its text
  changed, so a screen that accepts it would save it;
- actions: a GET of every action URL changes nothing, for every role (the
  owner included);
- narrowing: a row outside the role's list (its ``get_queryset``) is a 404 on
  every object URL (change, delete, history, history form, detail and row
  actions), for GET and POST;
- confidential fields (``Model.confidential_fields``): for a role without the
  permission, filters on every path to the field (``__gte``, ``__lt``,
  ``__exact``, also through a relation), every column's ordering, search and
  the export answer the same whatever the hidden values are, and the values
  appear on no change, history or history-form page.

"Changes nothing" is a fingerprint: one SQL query of the row count of every
table (history tables included), plus the target row's values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection, models
from django.db.models import Model
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from opsplatform import confidential
from opsplatform.permissions import forget_membership
from opsplatform.tenancy import tenant_context
from tenants.models import User

MARK = "-role-crawl"


@dataclass
class RoleReport:
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    checked: Counter = field(default_factory=Counter)

    def leak(self, role: str, model: type[Model], where: str, detail: str) -> None:
        self.problems.append(f"{role}: {model._meta.label}: {where}: {detail}")


# -- the fingerprint ------------------------------------------------------------


def table_counts() -> tuple:
    """Row counts of every table, in one query."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(zip(tables, cursor.fetchone(), strict=True))


def fingerprint(tenant, row: Model | None):
    with tenant_context(tenant):
        values = None
        if row is not None:
            values = list(type(row)._default_manager.filter(pk=row.pk).values())
        return table_counts(), values


def _diff(before, after) -> str:
    counts = [
        f"{name} {a}→{b}" for (name, a), (_n, b) in zip(before[0], after[0], strict=True) if a != b
    ]
    if before[1] != after[1]:
        counts.append("target row changed")
    return ", ".join(counts)


# -- what a page would POST -------------------------------------------------------


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(_encode(v)) for v in value]
    if isinstance(value, Model):
        return str(value.pk)
    return value if isinstance(value, bool) else str(value)


def _form_data(form, prefix_marks: bool) -> dict:
    data = {}
    for name, bound in form.fields.items():
        if isinstance(bound, forms.FileField):
            continue
        value = form[name].value()
        if (
            prefix_marks
            and isinstance(bound, forms.CharField)
            and not isinstance(bound, forms.EmailField)
            and isinstance(value, str)
        ):
            value = (value + MARK)[: bound.max_length or None]
        elif prefix_marks and isinstance(bound, forms.EmailField) and value:
            value = "crawl." + value
        encoded = _encode(value)
        if encoded is False:
            continue  # an unticked checkbox is absent from a real POST
        data[form.add_prefix(name)] = "on" if encoded is True else encoded
    return data


def page_post_data(model_admin, request, obj) -> dict:
    """What the add (obj None) or change page would POST, with every text changed."""
    form_class = model_admin.get_form(request, obj, change=False)
    form = form_class(instance=obj) if obj is not None else form_class()
    data = _form_data(form, prefix_marks=True)
    if obj is None and hasattr(model_admin, "get_formsets_with_inlines"):
        obj_for_inlines = model_admin.model()
    else:
        obj_for_inlines = obj
    prefixes: Counter = Counter()
    try:
        formsets = list(model_admin.get_formsets_with_inlines(request, obj))
    except Exception:  # noqa: BLE001 - an inline that needs more than this request: no inline data
        formsets = []
    for formset_class, inline in formsets:
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] += 1
        if prefixes[prefix] > 1:
            prefix = f"{prefix}-{prefixes[prefix]}"
        formset = formset_class(
            instance=obj_for_inlines, prefix=prefix, queryset=inline.get_queryset(request)
        )
        for name, bound in formset.management_form.fields.items():
            data[formset.management_form.add_prefix(name)] = str(
                formset.management_form[name].value() or bound.initial or 0
            )
        for inline_form in formset.initial_forms:
            data.update(_form_data(inline_form, prefix_marks=False))
    data["_save"] = "Save"
    return data


# -- the people --------------------------------------------------------------------


def admin_request(tenant, user, path="/admin/"):
    request = RequestFactory(HTTP_HOST=f"{tenant.slug}.localhost").get(path)
    request.user = user
    request.tenant = tenant
    return request


def fresh(user: User) -> User:
    user = User.objects.get(pk=user.pk)
    forget_membership(user)
    return user


def _url(name, *args, urlconf=None):
    try:
        return reverse(name, args=args, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _action_paths(model_admin):
    """(kind, UnfoldAction) of every detail, row and list action of the admin."""
    found = []
    for kind, getter in (
        ("detail", "_get_base_actions_detail"),
        ("row", "_get_base_actions_row"),
        ("list", "_get_base_actions_list"),
    ):
        for action in getattr(model_admin, getter, lambda: [])():
            found.append((kind, action))
    return found


def _latest_version(model, row):
    history = getattr(model, "history", None)
    if history is None:
        return None
    pk_name = model._meta.pk.attname
    version = history.filter(**{pk_name: row.pk}).order_by("-history_id").first()
    return version.history_id if version else None


# -- the crawl ---------------------------------------------------------------------


def crawl_roles(
    site: AdminSite,
    tenant,
    people: dict[str, User],
    rows: dict[type[Model], Model],
    client_for,
    urlconf: str | None = None,
) -> RoleReport:
    """``people`` maps a role code to a member holding it; ``rows`` is one row per model."""
    report = RoleReport()
    for role, user in people.items():
        client = client_for(tenant, user)
        for model, row in rows.items():
            _crawl_model(site, tenant, role, fresh(user), client, model, row, report, urlconf)
    _crawl_confidential(site, tenant, people, client_for, report, urlconf)
    return report


def _crawl_model(site, tenant, role, user, client, model, row, report, urlconf):
    model_admin = site._registry[model]
    opts = model._meta
    prefix = f"{site.name}:{opts.app_label}_{opts.model_name}_"
    with tenant_context(tenant):
        request = admin_request(tenant, user)
        narrowed = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        in_list = row.pk in narrowed
        may = {
            "add": model_admin.has_add_permission(request),
            "change": in_list and model_admin.has_change_permission(request, row),
            "delete": in_list and model_admin.has_delete_permission(request, row),
        }
        owner_request = admin_request(tenant, _owner(user))
        change_data = page_post_data(model_admin, owner_request, row)
        add_data = page_post_data(model_admin, owner_request, None)
        version = _latest_version(model, row)
        bulk_all = {action.name for action in model_admin._get_base_actions()}
        bulk_allowed = {
            action.name
            for action in model_admin._filter_actions_by_permissions(
                request, model_admin._get_base_actions()
            )
        }
        unfold_actions = [
            (
                kind,
                action,
                bool(
                    model_admin._filter_unfold_actions_by_permissions(
                        request, [action], row.pk if kind != "list" else None
                    )
                ),
            )
            for kind, action in _action_paths(model_admin)
        ]
    # Reverse with the request's own URLconf when the crawl runs on a test site.
    url = lambda page, *args: _url(prefix + page, *args, urlconf=urlconf)  # noqa: E731

    def post_changes_nothing(where, target, data, expect_404=False):
        if target is None:
            return
        before = fingerprint(tenant, row)
        report.requests += 1
        response = client.post(target, data)
        after = fingerprint(tenant, row)
        report.checked["post"] += 1
        if before != after:
            report.leak(
                role, model, f"POST {where}", f"HTTP {response.status_code}; {_diff(before, after)}"
            )
        if expect_404 and response.status_code != 404:
            report.leak(
                role,
                model,
                f"POST {where} of a row outside the list",
                f"HTTP {response.status_code}",
            )

    def get_is_404(where, target):
        if target is None:
            return
        report.requests += 1
        response = client.get(target)
        report.checked["narrowed"] += 1
        if response.status_code != 404:
            report.leak(
                role, model, f"{where} of a row outside the list", f"HTTP {response.status_code}"
            )

    history_form = url("simple_history", row.pk, version) if version else None

    # -- narrowing: every object URL of a row outside the list is a 404 ---------
    if not in_list:
        for page in ("change", "delete", "history"):
            get_is_404(f"{page} page", url(page, row.pk))
        get_is_404("history form", history_form)
        post_changes_nothing("change page", url("change", row.pk), change_data, expect_404=True)
        post_changes_nothing("history form", history_form, change_data, expect_404=True)
        for kind, action, _allowed in unfold_actions:
            if kind in ("detail", "row"):
                target = reverse(
                    f"{site.name}:{action.action_name}", args=[row.pk], urlconf=urlconf
                )
                get_is_404(f"{kind} action {action.action_name}", target)
                post_changes_nothing(
                    f"{kind} action {action.action_name}", target, {}, expect_404=True
                )

    # -- writes the role may not make change nothing --------------------------
    if not may["add"]:
        post_changes_nothing("add page", url("add"), add_data)
    if not may["change"]:
        post_changes_nothing("change page", url("change", row.pk), change_data)
    if not may["delete"]:
        post_changes_nothing("delete page", url("delete", row.pk), {"post": "yes"})
    # Nobody writes through an old version, whatever their rights.
    post_changes_nothing("history form", history_form, change_data)
    for name in sorted(bulk_all - bulk_allowed):
        post_changes_nothing(
            f"bulk action {name}",
            url("changelist"),
            {"action": name, ACTION_CHECKBOX_NAME: [str(row.pk)], "index": "0", "post": "yes"},
        )
    for kind, action, allowed in unfold_actions:
        args = [row.pk] if kind != "list" else []
        target = reverse(f"{site.name}:{action.action_name}", args=args, urlconf=urlconf)
        if not allowed:
            post_changes_nothing(f"{kind} action {action.action_name}", target, {})
        # -- a GET of any action changes nothing, whoever asks -----------------
        before = fingerprint(tenant, row)
        report.requests += 1
        response = client.get(target)
        after = fingerprint(tenant, row)
        report.checked["get action"] += 1
        if before != after:
            report.leak(
                role,
                model,
                f"GET {kind} action {action.action_name}",
                f"HTTP {response.status_code}; {_diff(before, after)}",
            )


def _owner(fallback):
    """The company's owner, whose form has every field (the data a page would POST)."""
    from tenants.models import Membership
    from tenants.roles import RoleCode

    owner = (
        Membership.objects.filter(role_grants__role=RoleCode.OWNER, status="active")
        .select_related("user")
        .first()
    )
    return fresh(owner.user) if owner else fallback


# -- confidential fields ---------------------------------------------------------------


def confidential_paths(model: type[Model]) -> list[tuple[str, type[Model], str]]:
    """(path, model holding the field, field name): the model's own declared fields and
    those one relation away (forward or reverse), e.g. ``employee__salary``."""
    found = [(name, model, name) for name in confidential.declared(model)]
    for f in model._meta.get_fields():
        if not f.is_relation or f.related_model is None:
            continue
        # A reverse relation's name is its query name (``employees``), as in a URL.
        for hidden in confidential.declared(f.related_model):
            found.append((f"{f.name}__{hidden}", f.related_model, hidden))
    return found


def _states(model_field, n: int):
    """Two assignments of the hidden values to ``n`` rows such that every filter,
    every ordering and every search answers differently if it reads them."""
    if model_field.choices:
        a, b = model_field.choices[0][0], model_field.choices[-1][0]
        first = [a if i % 2 == 0 else b for i in range(n)]
        second = [b if i % 2 == 0 else a for i in range(n)]
        return first, second, a
    if isinstance(model_field, models.DecimalField | models.IntegerField | models.FloatField):
        base = 701000
        first = [Decimal(base + i * 1000) for i in range(n)]
        second = [Decimal(base + (n + (n - 1 - i)) * 1000) for i in range(n)]
        return first, second, Decimal(base + n * 1000)
    first = [f"aaa{i:03d}" for i in range(n)]
    second = [f"zzz{n - i:03d}" for i in range(n)]
    return first, second, "mmm"


def _set(holder: type[Model], name: str, values) -> None:
    for pk, value in zip(
        holder._default_manager.order_by("pk").values_list("pk", flat=True), values, strict=True
    ):
        holder._default_manager.filter(pk=pk).update(**{name: value})


def _signature(response):
    if response.status_code != 200:
        return (response.status_code,)
    if response.get("Content-Disposition"):
        return (200, response.content)
    context = response.context
    if context is not None and "cl" in context:
        return (200, tuple(obj.pk for obj in context["cl"].result_list))
    return (200, "page")


def _crawl_confidential(site, tenant, people, client_for, report, urlconf):
    for model, model_admin in site._registry.items():
        opts = model._meta
        prefix = f"{site.name}:{opts.app_label}_{opts.model_name}_"
        changelist = _url(prefix + "changelist", urlconf=urlconf)
        export = _url(prefix + "export", urlconf=urlconf)
        for path, holder, name in confidential_paths(model):
            perm = confidential.declared(holder)[name]
            holder_field = holder._meta.get_field(name)
            for role, user in people.items():
                user = fresh(user)
                with tenant_context(tenant):
                    if user.has_perm(perm):
                        continue
                    n = holder._default_manager.count()
                    original = list(
                        holder._default_manager.order_by("pk").values_list(name, flat=True)
                    )
                    list_len = len(model_admin.list_display) + 2
                if n == 0:
                    continue  # no row holds the field here: nothing a filter could reveal
                client = client_for(tenant, user)
                first, second, middle = _states(holder_field, n)
                asks = [
                    ("changelist", "GET", changelist, {f"{path}__gte": str(middle)}),
                    ("changelist", "GET", changelist, {f"{path}__lt": str(middle)}),
                    ("changelist", "GET", changelist, {f"{path}__exact": str(first[0])}),
                    ("changelist", "GET", changelist, {path: str(first[0])}),
                ]
                if path == name:  # per model, not per path: ordering, search, export
                    asks += [
                        ("changelist", "GET", changelist, {"o": str(i)}) for i in range(list_len)
                    ]
                    asks += [("changelist", "GET", changelist, {"q": str(first[0])})]
                    if export is not None:
                        asks += [("export", "POST", export, {"format": "0", "resource": "0"})]
                        asks += [
                            (
                                f"export ?{path}__gte={middle}",
                                "POST",
                                f"{export}?{path}__gte={middle}",
                                {"format": "0", "resource": "0"},
                            )
                        ]
                answers = []
                for values in (first, second):
                    with tenant_context(tenant):
                        _set(holder, name, values)
                    seen = []
                    for _label, method, target, data in asks:
                        report.requests += 1
                        if method == "GET":
                            response = client.get(target, data)
                        else:
                            response = client.post(target, data)
                        seen.append(_signature(response))
                    answers.append(seen)
                with tenant_context(tenant):
                    _set(holder, name, original)
                for (label, method, _target, data), one, other in zip(asks, *answers, strict=True):
                    report.checked["confidential"] += 1
                    if one != other:
                        shown = data if method == "GET" else ""
                        report.leak(
                            role,
                            model,
                            f"{method} {label} {shown}".strip(),
                            f"the answer depends on {holder._meta.label}.{name}",
                        )
            if path == name:
                _hidden_values_not_on_pages(
                    site, tenant, people, client_for, report, model, name, perm, urlconf
                )


def _hidden_values_not_on_pages(
    site, tenant, people, client_for, report, model, name, perm, urlconf
):
    """A saved value (so history has it) is on no change, history or history-form page."""
    holder_field = model._meta.get_field(name)
    if holder_field.choices or not isinstance(
        holder_field, models.DecimalField | models.IntegerField
    ):
        return  # a currency code is on pages for other reasons; numbers are not
    opts = model._meta
    prefix = f"{site.name}:{opts.app_label}_{opts.model_name}_"
    model_admin = site._registry[model]
    secret = Decimal("987654")
    spellings = ("987654", "987,654", "987 654", "987.654")
    with tenant_context(tenant):
        rows = list(model._default_manager.order_by("pk"))
        for row in rows:
            setattr(row, name, secret)
            row.save()
            setattr(row, name, secret + 1)
            row.save()  # two versions: the history page shows a diff between them
    for role, user in people.items():
        user = fresh(user)
        with tenant_context(tenant):
            if user.has_perm(perm):
                continue
            visible = list(
                model_admin.get_queryset(admin_request(tenant, user)).values_list("pk", flat=True)
            )
            targets = []
            for pk in visible:
                row = model._default_manager.get(pk=pk)
                version = _latest_version(model, row)
                targets += [
                    _url(prefix + "change", pk, urlconf=urlconf),
                    _url(prefix + "history", pk, urlconf=urlconf),
                    _url(prefix + "simple_history", pk, version, urlconf=urlconf)
                    if version
                    else None,
                ]
        client = client_for(tenant, user)
        for target in filter(None, targets):
            report.requests += 1
            response = client.get(target)
            report.checked["confidential page"] += 1
            body = response.content.decode("utf-8", "replace")
            if response.status_code == 200 and any(s in body for s in spellings):
                report.leak(role, model, f"page {target}", f"shows {opts.label}.{name}")
