"""The organisation chart: a page that shows the top level, and fragments that
fill in one level of one node at a time, paged.

A company of 100,000 people cannot be drawn at once (issue 9: 12.6 s and 22 MB
of HTML, and the browser gave up), so the page draws the top of the chart with
counts, and employees/static/employees/org_chart.js fetches the children of a
node when a person opens it. Every URL here is a GET that changes nothing, is
wrapped in the tenant admin's ``admin_view`` (signed-in member of this company)
and checks ``employees.view_org_chart``; a node of another company, or one the
chart does not show (a person who has left), is a 404.

The chart shows what it always showed to every member: name, position,
department and the number of reports; nothing confidential.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from modules.employees import selectors
from opsplatform.admin.pages import AdminPage

PERMISSION = "employees.view_org_chart"
MAX_SEARCH_LENGTH = 100


def nodes_url(kind: str, of: int | str | None = None, page: int = 1) -> str:
    """Where the fragment of one level lives: ``kind`` of node ``of``, page ``page``."""
    query = {"list": kind, "page": page}
    if of is not None:
        query["of"] = of
    return reverse("admin:employees_org_chart_nodes") + "?" + urlencode(query)


def _number(value: str | None, *, default: int | None = None) -> int:
    """A positive whole number from the query string, or a 404 (a hand-made URL)."""
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(_("Not a valid number.")) from None
    if number < 1:
        raise Http404(_("Not a valid number."))
    return number


# -- rendering one level ---------------------------------------------------------------


def render_people(request, page: selectors.OrgChartPage, *, kind: str, of=None, **extra) -> str:
    """The ``<li>`` of each person on ``page`` and, when more follow, a "show more" item."""
    return render_to_string(
        "employees/org_chart_people.html",
        {
            "people": page.items,
            "has_more": page.has_more,
            "more_url": nodes_url(kind, of, page.next_number) if page.has_more else "",
            "shown": (page.number - 1) * selectors.ORG_CHART_PAGE_SIZE + len(page.items),
            "first_page": page.number == 1,
            **extra,
        },
        request=request,
    )


def render_departments(request, page: selectors.OrgChartPage, *, kind: str, of=None) -> str:
    return render_to_string(
        "employees/org_chart_departments.html",
        {
            "departments": page.items,
            "has_more": page.has_more,
            "more_url": nodes_url(kind, of, page.next_number) if page.has_more else "",
            "shown": (page.number - 1) * selectors.ORG_CHART_PAGE_SIZE + len(page.items),
            "first_page": page.number == 1,
        },
        request=request,
    )


def render_chain(request, chain: list) -> str:
    """The reporting line down to the last person of ``chain``, opened along the way.

    Built from the inside out in a loop (not a recursive template), so a long
    line costs no template recursion (render_to_string's output is already
    safe HTML, so it nests as it is). Each manager on the way shows only the
    next person of the line, with a button that loads all their reports.
    """
    person = chain[-1]
    inner = render_people(
        request,
        selectors.org_chart_reports(manager_id=person.pk),
        kind="reports",
        of=person.pk,
    )
    html = render_to_string(
        "employees/org_chart_person.html",
        {"person": person, "children_html": inner, "focused": True},
        request=request,
    )
    for manager in reversed(chain[:-1]):
        html = render_to_string(
            "employees/org_chart_person.html",
            {"person": manager, "children_html": html, "partial": True},
            request=request,
        )
    return html


# -- the page ---------------------------------------------------------------------------


class OrgChartView(AdminPage):
    permission_required = PERMISSION
    title = gettext_lazy("Organisation chart")
    template_name = "employees/org_chart.html"

    def get(self, request):
        mode = "department" if request.GET.get("by") == "department" else "manager"
        query = request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
        context = {"mode": mode, "query": query}
        if query:
            matches, more = selectors.org_chart_search(query)
            context.update(matches=matches, more_matches=more)
        if "focus" in request.GET:
            chain = selectors.org_chart_chain(_number(request.GET["focus"]))
            if not chain:
                raise Http404(_("This person is not on the organisation chart."))
            context.update(mode="manager", focus=chain[-1], tree_html=render_chain(request, chain))
        elif mode == "department":
            top = selectors.org_chart_top_departments()
            html = render_departments(request, top, kind="departments")
            unassigned = selectors.org_chart_unassigned_count()
            if unassigned:
                html += render_to_string(
                    "employees/org_chart_unassigned.html",
                    {"count": unassigned, "src": nodes_url("members", "none")},
                    request=request,
                )
            context.update(tree_html=html)
        else:
            top = selectors.org_chart_top_people()
            context.update(tree_html=render_people(request, top, kind="top"))
        return self.render(**context)


# -- the fragments ----------------------------------------------------------------------


@require_GET
def org_chart_nodes(request):
    """GET ``?list=<kind>&of=<id>&page=<n>``: the ``<li>`` items of one page of one level.

    kinds: ``top`` (people at the top), ``reports`` of a person, ``departments``
    (top departments), ``subdepartments`` and ``members`` of a department
    (``of=none``: the people with no department).
    """
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    kind = request.GET.get("list", "")
    page = _number(request.GET.get("page"), default=1)
    of = request.GET.get("of")
    if kind == "top":
        html = render_people(request, selectors.org_chart_top_people(page=page), kind=kind)
    elif kind == "reports":
        person = selectors.org_chart_person(_number(of))
        if person is None:
            raise Http404(_("This person is not on the organisation chart."))
        result = selectors.org_chart_reports(manager_id=person.pk, page=page)
        html = render_people(request, result, kind=kind, of=person.pk)
    elif kind == "departments":
        html = render_departments(
            request, selectors.org_chart_top_departments(page=page), kind=kind
        )
    elif kind in ("subdepartments", "members"):
        department_id = None if (kind == "members" and of == "none") else _number(of)
        if department_id is not None and selectors.org_chart_department(department_id) is None:
            raise Http404(_("This department does not exist."))
        if kind == "subdepartments":
            result = selectors.org_chart_subdepartments(department_id=department_id, page=page)
            html = render_departments(request, result, kind=kind, of=department_id)
        else:
            result = selectors.org_chart_department_people(department_id=department_id, page=page)
            html = render_people(
                request,
                result,
                kind=kind,
                of=of if department_id is None else department_id,
                leaves=True,
            )
    else:
        raise Http404(_("Unknown part of the organisation chart."))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
