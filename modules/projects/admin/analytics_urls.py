"""The analytics pages, mounted on the project admin (see projects.py)."""

from django.urls import path


def urls(model_admin) -> list:
    from modules.projects import views_analytics

    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<str:project_id>/analytics/",
            wrap(views_analytics.AnalyticsPage.as_view(model_admin=model_admin)),
            name="projects_analytics",
        ),
        path(
            "<str:project_id>/analytics/export/",
            wrap(views_analytics.AnalyticsExport.as_view(model_admin=model_admin)),
            name="projects_analytics_export",
        ),
    ]
