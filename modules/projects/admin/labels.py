"""The company's labels: every member reads them, project starters keep them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from modules.projects.models import Label
from opsplatform.admin import TenantModelAdmin, tenant_site


@admin.register(Label, site=tenant_site)
class LabelAdmin(TenantModelAdmin):
    list_display = ["swatch", "name", "task_count"]
    list_display_links = ["name"]
    search_fields = ["name"]
    ordering = ["name"]
    fields = ["name", "colour"]

    def get_queryset(self, request):
        # How many tasks carry each label, counted among the tasks this person sees.
        from modules.projects.selectors.visibility import visible_tasks

        visible = visible_tasks(request.user).values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                visible_tasks=Count(
                    "task_links", filter=Q(task_links__task__in=visible), distinct=True
                )
            )
        )

    @display(description=_("colour"))
    def swatch(self, obj):
        return format_html(
            '<span style="display:inline-block;width:1rem;height:1rem;border-radius:9999px;'
            'background:{}" aria-hidden="true"></span>',
            obj.colour,
        )

    @display(description=_("tasks"), ordering="visible_tasks")
    def task_count(self, obj):
        return getattr(obj, "visible_tasks", 0)
