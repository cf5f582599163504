"""A project's analytics page and its export (docs/projects/analytics.md).

Open to whoever sees the project (``visibility.visible_projects``: anyone else,
and any other company's id, gets a 404). Cost, bill amounts, margin and rates
are shown, and exported, only to those ``visibility.may_see_cost`` lets see
them: members see hours only.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modules.projects.forms_analytics import Preset, RangeForm
from modules.projects.models import Project
from modules.projects.selectors.analytics import project_analytics
from modules.projects.selectors.health import health_badge
from modules.projects.selectors.visibility import may_see_cost, visible_projects
from opsplatform.admin.pages import AdminPage
from opsplatform.tenancy.context import require_current_tenant


def project_for(user, project_id) -> Project:
    """The project by id if this person sees it; a 404 alike for missing, foreign and hidden."""
    if not str(project_id).isdigit():
        raise Http404
    project = visible_projects(user).filter(pk=int(project_id)).select_related("manager").first()
    if project is None:
        raise Http404
    return project


class AnalyticsMixin:
    permission_required = "projects.view_project"

    @cached_property
    def project(self) -> Project:
        return project_for(self.request.user, self.kwargs["project_id"])

    @cached_property
    def with_cost(self) -> bool:
        return may_see_cost(self.request.user, self.project)

    def figures(self):
        tenant = require_current_tenant()
        today = tenant.today()
        form = RangeForm(self.request.GET or None, today=today, project=self.project)
        preset, start, end = form.chosen()
        result = project_analytics(
            self.project, start=start, end=end, today=today, tenant=tenant, with_cost=self.with_cost
        )
        return form, preset, result


def _number(value) -> float:
    return float(value or 0)


def chart_data(result) -> dict:
    """The Chart.js data of the page's two charts (unfold's chart components)."""
    points = result.series["points"]
    labels = [point["date"].isoformat() for point in points]
    burn = {
        "labels": labels,
        "datasets": [
            {
                "label": str(_("Remaining (hours)")),
                "data": [_number(p["remaining"]) for p in points],
                "borderColor": "var(--color-primary-600)",
                "displayYAxis": True,
                "maxTicksXLimit": 12,
            },
            {
                "label": str(_("Completed (hours)")),
                "data": [_number(p["completed"]) for p in points],
                "borderColor": "var(--color-green-600)",
            },
            {
                "label": str(_("Scope (hours)")),
                "data": [_number(p["scope"]) for p in points],
                "borderColor": "var(--color-base-400)",
            },
        ],
    }
    logged = {
        "labels": labels,
        "datasets": [
            {
                "label": str(_("Hours logged")),
                "data": [_number(p["logged"]) for p in points],
                "backgroundColor": "var(--color-primary-600)",
                "displayYAxis": True,
                "maxTicksXLimit": 12,
            }
        ],
    }
    return {"burn": json.dumps(burn), "logged": json.dumps(logged)}


class AnalyticsPage(AnalyticsMixin, AdminPage):
    template_name = "projects/analytics.html"

    def get_title(self) -> str:
        return gettext("Analytics of %(project)s") % {"project": self.project}

    def get(self, request, **kwargs):
        form, preset, result = self.figures()
        query = {"range": preset}
        if preset == Preset.CUSTOM:
            query |= {"start": result.start.isoformat(), "end": result.end.isoformat()}
        return self.render(
            project=self.project,
            form=form,
            preset=preset,
            result=result,
            with_cost=self.with_cost,
            health=health_badge(self.project),
            charts=chart_data(result),
            export_query=query,
            step_label=dict(STEP_LABELS)[result.series["step"]],
        )


STEP_LABELS = [("day", _("per day")), ("week", _("per week")), ("month", _("per month"))]


class AnalyticsExport(AnalyticsMixin, AdminPage):
    """The page's figures as CSV or XLSX, for the same range and with the same cost rule."""

    def get(self, request, **kwargs):
        from modules.projects.exports_analytics import export_response

        _form, _preset, result = self.figures()
        return export_response(result, request.GET.get("format", "xlsx"))
