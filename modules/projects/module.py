"""What the projects module adds to the product (docs/modules.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import (
    ActivityKind,
    Feature,
    Limit,
    LiveTopic,
    Module,
    SidebarGroup,
    SidebarItem,
)


def _item(title, icon: str, url: str, order: int, permission: str, **extra) -> SidebarItem:
    return SidebarItem(
        group="projects",
        title=title,
        icon=icon,
        url=url,
        order=order,
        permission=permission,
        **extra,
    )


def active_projects(tenant) -> int:
    from modules.projects.models import Project

    return Project.objects.filter(
        is_template=False,
        status__in=[Project.Status.PLANNED, Project.Status.ACTIVE, Project.Status.ON_HOLD],
    ).count()


def is_active_project(project) -> bool:
    """A new project counts unless it is a template or made already closed."""
    from modules.projects.models import Project

    open_statuses = {Project.Status.PLANNED, Project.Status.ACTIVE, Project.Status.ON_HOLD}
    return not project.is_template and project.status in open_statuses


MODULE = Module(
    name="projects",
    label=_("Projects"),
    # Members are employees, and timesheets travel the approvals engine.
    requires=("employees", "approvals"),
    groups=(SidebarGroup(key="projects", title=_("Projects"), order=35, collapsible=False),),
    items=(
        _item(
            _("Projects"),
            "folder_open",
            "admin:projects_project_changelist",
            10,
            "projects.view_project",
        ),
        _item(_("My tasks"), "task_alt", "admin:projects_my_tasks", 20, "projects.log_time"),
        _item(_("My timesheet"), "schedule", "admin:projects_timesheet", 30, "projects.log_time"),
        _item(
            _("Time logs"),
            "timer",
            "admin:projects_timelog_changelist",
            40,
            "projects.view_timelog",
        ),
        _item(_("Labels"), "label", "admin:projects_label_changelist", 60, "projects.change_label"),
        _item(
            _("Import tasks and time"),
            "upload_file",
            "admin:projects_data_import",
            70,
            "projects.import_project_data",
        ),
        _item(
            _("Export tasks and time"),
            "download",
            "admin:projects_data_export",
            80,
            "projects.export_project_data",
        ),
    ),
    cards=("modules.projects.dashboard.project_cards",),
    demo="modules.projects.demo.seed",
    feature=Feature(code="projects", label=_("Projects")),
    # A project's analytics pages are a plan's "analytics" flag (docs/billing.md).
    features=(
        Feature(
            code="analytics",
            label=_("Analytics"),
            urls=("admin:projects_analytics", "admin:projects_analytics_export"),
        ),
    ),
    limits=(
        Limit(
            code="projects.active",
            label=_("Active projects"),
            count=active_projects,
            consumed_by=("projects.Project",),
            consumes=is_active_project,
        ),
    ),
    # No projects.health_changed: the activity feed has no sender yet, and a worsening
    # already reaches the one who acts on it, the manager (projects.health_worsened).
    activity=(ActivityKind(code="projects.task_done", label=_("A task was done")),),
    # An open board follows its project on the workspace socket (live.py).
    live_topics=(LiveTopic(code="project", check="modules.projects.live.may_follow"),),
)
