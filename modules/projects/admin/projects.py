"""The project list and page. The project's own pages (board, workflow,
analytics, data) hang on this admin's URLs, each area in its own file."""

from __future__ import annotations

from django.contrib import admin

from modules.projects.models import Project
from opsplatform.admin import TenantModelAdmin, tenant_site


@admin.register(Project, site=tenant_site)
class ProjectAdmin(TenantModelAdmin):
    list_display = ["code", "name", "client", "manager", "status", "health"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name", "client"]

    def get_queryset(self, request):
        from modules.projects.selectors.visibility import visible_projects

        return visible_projects(request.user, super().get_queryset(request)).select_related(
            "manager"
        )

    def get_urls(self):
        # Each area mounts its pages here (names: admin:projects_board, ...).
        from modules.projects.admin import analytics_urls, board_urls, data_urls

        return (
            board_urls.urls(self)
            + analytics_urls.urls(self)
            + data_urls.urls(self)
            + super().get_urls()
        )
