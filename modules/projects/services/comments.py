"""Comments on tasks, with @mentions.

A comment is added, never edited or deleted: the thread is the task's record.

Mentions: ``@`` followed by a person's handle, which is either the part of
their login email before the ``@`` (``@max`` for max@acme.test) or their
first and last name joined by a dot (``@max.mustermann``), any case. Only the
project's people (its manager and members) are mentioned; each hears once per
comment (``projects.mentioned``), never the author.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.projects import notifications as types
from modules.projects.models import Comment, Task
from modules.projects.selectors.tasks import project_people_with_logins
from modules.projects.services import health
from modules.projects.services.tasks import actor_name, refuse_unless_works_on, task_url
from opsplatform.notifications.services import notify
from opsplatform.refusals import Refused

# After a space, a bracket or the start; a handle ends at a character that cannot
# be in one (so "@max," and "(@max)" mention max, "max@acme.test" mentions nobody).
MENTION = re.compile(r"(?:^|(?<=[\s(\[{,;:]))@([\w][\w.\-]*[\w]|[\w])", re.UNICODE)
EXCERPT_WORDS = 30


def handles_of(employee: Employee) -> set[str]:
    handles = set()
    name = f"{employee.first_name}.{employee.last_name}".replace(" ", "").lower()
    if employee.first_name and employee.last_name:
        handles.add(name)
    user = employee.membership.user if employee.membership_id else None
    if user is not None and user.email:
        handles.add(user.email.split("@")[0].lower())
    return handles


def mentioned_in(body: str, people: list[Employee]) -> list[Employee]:
    wanted = {match.lower().rstrip(".") for match in MENTION.findall(body)}
    if not wanted:
        return []
    return [person for person in people if handles_of(person) & wanted]


@transaction.atomic
def comment_add(*, user, task: Task, body: str) -> Comment:
    refuse_unless_works_on(user, task.project)
    body = (body or "").strip()
    if not body:
        raise Refused(_("Write something first."), field="body")
    comment = Comment(tenant_id=task.tenant_id, task=task, body=body)
    if getattr(user, "pk", None):
        comment.author = user
    comment.full_clean()
    comment.save()
    people = project_people_with_logins(task.project) if "@" in body else []
    recipients = [
        person.membership.user
        for person in mentioned_in(body, people)
        if person.membership_id and person.membership.user_id != getattr(user, "pk", None)
    ]
    if recipients:
        notify(
            recipients=recipients,
            type=types.MENTIONED,
            context={
                "reference": task.reference,
                "title": task.title,
                "project": task.project.name,
                "actor": actor_name(user),
                "excerpt": Truncator(body).words(EXCERPT_WORDS),
            },
            url=task_url(task),
            actor=user,
        )
    health.recompute(task.project)
    return comment
