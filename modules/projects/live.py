"""The project's live topic: an open board follows its project on the workspace socket.

Declared in module.py as ``LiveTopic(code="project", ...)``; the kernel's socket
asks :func:`may_follow` before joining the project's group, so a person who
cannot see the project (or another company's id) receives none of its moves.
"""

from __future__ import annotations

from modules.projects.models import Project
from opsplatform.realtime.publish import publish_topic

TOPIC = "project"


def may_follow(user, project_id: int) -> bool:
    """Called by the socket inside the company's context (the default manager
    already hides another company's projects)."""
    from modules.projects.selectors.visibility import may_see_project

    project = Project.objects.filter(pk=project_id).only("pk", "manager_id").first()
    return project is not None and may_see_project(user, project)


def publish_to_project(project: Project, payload: dict) -> None:
    """Send ``payload`` to the project's open boards once the transaction commits."""
    publish_topic(tenant_id=project.tenant_id, topic=TOPIC, object_id=project.pk, payload=payload)
