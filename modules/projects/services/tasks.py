"""Tasks as people create and work them: the task itself, its assignees, labels,
checklist, parent and attachments (comments: comments.py; "blocked by":
dependencies.py; moves on the board: board.py).

Every write checks that the person works on the project
(``visibility.may_work_on``), keeps every link inside the task's project and
company, and recomputes the project's health in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.employees.selectors import my_employee
from modules.projects import notifications as types
from modules.projects.models import (
    Attachment,
    ChecklistItem,
    Column,
    Dependency,
    Label,
    Task,
    TaskAssignee,
    TaskLabel,
)
from modules.projects.selectors import visibility
from modules.projects.selectors.tasks import ancestor_ids, parent_map, project_people
from modules.projects.services import health
from modules.projects.services.numbering import next_numbers
from opsplatform.bulk import create_with_history
from opsplatform.notifications.services import notify
from opsplatform.refusals import Refused


def task_url(task: Task) -> str:
    try:
        return reverse("admin:projects_task_change", args=[task.pk])
    except NoReverseMatch:  # the task screen is not on this site
        return ""


def actor_name(user) -> str:
    employee = my_employee(user)
    if employee is not None:
        return employee.full_name
    return getattr(user, "full_name", "") or getattr(user, "email", "")


def refuse_unless_works_on(user, project) -> None:
    if not visibility.may_work_on(user, project):
        raise Refused(_("Only the project's manager and members work on its tasks."))


def first_column(project) -> Column:
    column = (
        Column.objects.filter(project=project, retired_at__isnull=True)
        .order_by("order", "pk")
        .first()
    )
    if column is None:
        raise Refused(_("The project has no status column yet: add one first."), field="column")
    return column


def end_of(column: Column) -> int:
    last = Task.objects.filter(column=column).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def check_column(task: Task) -> None:
    column = task.column
    if column.project_id != task.project_id:
        raise Refused(_("Choose a status column of this task's project."), field="column")
    if column.retired_at is not None:
        raise Refused(_("This column is retired: choose another."), field="column")


def check_parent(task: Task) -> None:
    """The parent is a task of the same project, and never the task or one of its subtasks."""
    parent = task.parent
    if parent is None:
        return
    if parent.project_id != task.project_id:
        raise Refused(_("The parent task must be in the same project."), field="parent")
    if task.pk is None:
        return
    if parent.pk == task.pk:
        raise Refused(_("A task cannot be its own parent."), field="parent")
    # Walking up from the new parent, reaching the task means it would be its own ancestor.
    parents = parent_map(task.project)
    if task.pk in ancestor_ids(parent.pk, parents):
        raise Refused(
            _("%(parent)s is a subtask of %(task)s: a task cannot be its own ancestor.")
            % {"parent": parent.reference, "task": task.reference},
            field="parent",
        )


def check_assignees(task: Task, employees: Iterable[Employee]) -> None:
    allowed = set(project_people(task.project).values_list("pk", flat=True))
    strangers = [employee for employee in employees if employee.pk not in allowed]
    if strangers:
        raise Refused(
            _("Only the project's manager and members can be assigned: %(names)s is not one.")
            % {"names": ", ".join(employee.full_name for employee in strangers)},
            field="assignees",
        )


def check_labels(labels: Iterable[Label], tenant_id: int) -> None:
    if any(label.tenant_id != tenant_id for label in labels):
        raise Refused(_("Choose labels of this company."), field="labels")


def open_blockers(task: Task) -> list[Task]:
    return list(
        Task.objects.filter(blocked_links__task=task, column__is_done=False)
        .select_related("project")
        .order_by("number")
    )


def _enter_column(task: Task, *, user, was_done: bool) -> bool:
    """Keep ``completed_at`` in step with the column; True when the task just became done."""
    now_done = task.column.is_done
    if now_done and not was_done:
        blockers = open_blockers(task) if task.pk else []
        if blockers:
            raise Refused(
                _("%(task)s is blocked by %(blockers)s: finish those first.")
                % {
                    "task": task.reference,
                    "blockers": ", ".join(blocker.reference for blocker in blockers),
                },
                field="column",
            )
        task.completed_at = timezone.now()
        return True
    if not now_done:
        task.completed_at = None
    return False


@transaction.atomic
def task_save(
    *,
    user,
    task: Task,
    assignees: Iterable[Employee] | None = None,
    labels: Iterable[Label] | None = None,
) -> Task:
    """Create (no pk yet) or update ``task``; ``assignees`` and ``labels``, when
    given, become its lists. A new task takes the project's next number and goes
    at the end of its column (the first active column unless one is chosen)."""
    project = task.project
    refuse_unless_works_on(user, project)
    creating = task.pk is None
    before = None if creating else Task.objects.select_related("column").get(pk=task.pk)
    if creating:
        if not task.column_id:
            task.column = first_column(project)
        if task.created_by_id is None and getattr(user, "pk", None):
            task.created_by = user
    check_column(task)
    check_parent(task)
    became_done = False
    if creating or before.column_id != task.column_id:
        task.position = end_of(task.column)
        became_done = _enter_column(
            task, user=user, was_done=bool(before and before.column.is_done)
        )
    if creating:
        task.number = next_numbers(project)[0]
    task.full_clean()
    task.save()
    if assignees is not None:
        _set_assignees(task=task, employees=list(assignees), user=user)
    if labels is not None:
        _set_labels(task=task, labels=list(labels), user=user)
    if became_done:
        _tell_done(task, user=user)
    health.recompute(project)
    return task


def task_create(*, user, project, assignees=(), labels=(), **fields) -> Task:
    return task_save(
        user=user,
        task=Task(tenant_id=project.tenant_id, project=project, **fields),
        assignees=list(assignees),
        labels=list(labels),
    )


def task_update(*, user, task: Task, assignees=None, labels=None, **fields) -> Task:
    for name, value in fields.items():
        setattr(task, name, value)
    return task_save(user=user, task=task, assignees=assignees, labels=labels)


def _set_assignees(*, task: Task, employees: list[Employee], user) -> None:
    check_assignees(task, employees)
    current = set(TaskAssignee.objects.filter(task=task).values_list("employee_id", flat=True))
    wanted = {employee.pk: employee for employee in employees}
    added = [employee for pk, employee in wanted.items() if pk not in current]
    create_with_history(
        [TaskAssignee(tenant_id=task.tenant_id, task=task, employee=e) for e in added],
        TaskAssignee,
        user=user,
    )
    for row in TaskAssignee.objects.filter(task=task).exclude(employee_id__in=list(wanted)):
        row.delete()
    _tell_assigned(task, [e.pk for e in added], user=user)


def _tell_assigned(task: Task, employee_ids: list[int], *, user) -> None:
    if not employee_ids:
        return
    recipients = [
        employee.membership.user
        for employee in Employee.objects.filter(pk__in=employee_ids).select_related(
            "membership__user"
        )
        if employee.membership_id and employee.membership.user_id != getattr(user, "pk", None)
    ]
    if not recipients:
        return
    notify(
        recipients=recipients,
        type=types.ASSIGNED,
        context={
            "reference": task.reference,
            "title": task.title,
            "project": task.project.name,
            "actor": actor_name(user),
        },
        url=task_url(task),
        actor=user,
    )


def _tell_done(task: Task, *, user) -> None:
    recipients = [
        row.employee.membership.user
        for row in TaskAssignee.objects.filter(task=task).select_related(
            "employee__membership__user"
        )
        if row.employee.membership_id
        and row.employee.membership.user_id != getattr(user, "pk", None)
    ]
    if recipients:
        notify(
            recipients=recipients,
            type=types.DONE,
            context={
                "reference": task.reference,
                "title": task.title,
                "column": task.column.name,
                "actor": actor_name(user),
            },
            url=task_url(task),
            actor=user,
        )


def _set_labels(*, task: Task, labels: list[Label], user) -> None:
    check_labels(labels, task.tenant_id)
    current = set(TaskLabel.objects.filter(task=task).values_list("label_id", flat=True))
    wanted = {label.pk: label for label in labels}
    create_with_history(
        [
            TaskLabel(tenant_id=task.tenant_id, task=task, label=label)
            for pk, label in wanted.items()
            if pk not in current
        ],
        TaskLabel,
        user=user,
    )
    for row in TaskLabel.objects.filter(task=task).exclude(label_id__in=list(wanted)):
        row.delete()


@transaction.atomic
def task_assign(*, user, task: Task, employee: Employee) -> TaskAssignee:
    refuse_unless_works_on(user, task.project)
    check_assignees(task, [employee])
    if TaskAssignee.objects.filter(task=task, employee=employee).exists():
        raise Refused(_("This person is already assigned to the task."))
    row = TaskAssignee(tenant_id=task.tenant_id, task=task, employee=employee)
    row.save()
    _tell_assigned(task, [employee.pk], user=user)
    health.recompute(task.project)
    return row


@transaction.atomic
def task_unassign(*, user, task: Task, employee: Employee) -> None:
    refuse_unless_works_on(user, task.project)
    for row in TaskAssignee.objects.filter(task=task, employee=employee):
        row.delete()
    health.recompute(task.project)


@transaction.atomic
def task_delete(*, user, task: Task) -> None:
    refuse_unless_works_on(user, task.project)
    if task.time_logs.exists():
        raise Refused(_("Time is logged on this task: it stays, move it to a done column."))
    project = task.project
    # Links first, so each leaves its own history row.
    for link in Dependency.objects.filter(task=task) | Dependency.objects.filter(blocker=task):
        link.delete()
    task.delete()
    health.recompute(project)


# -- checklist ---------------------------------------------------------------------------


@transaction.atomic
def checklist_item_add(*, user, task: Task, text: str) -> ChecklistItem:
    refuse_unless_works_on(user, task.project)
    last = ChecklistItem.objects.filter(task=task).aggregate(last=Max("order"))["last"]
    item = ChecklistItem(
        tenant_id=task.tenant_id,
        task=task,
        text=text.strip(),
        order=0 if last is None else last + 1,
    )
    item.full_clean()
    item.save()
    health.recompute(task.project)
    return item


@transaction.atomic
def checklist_item_save(*, user, item: ChecklistItem) -> ChecklistItem:
    """Save an item edited on the task's form (its text, done mark or order)."""
    task = item.task
    refuse_unless_works_on(user, task.project)
    if item.pk is None and not item.order:
        last = ChecklistItem.objects.filter(task=task).aggregate(last=Max("order"))["last"]
        item.order = 0 if last is None else last + 1
    item.full_clean()
    item.save()
    health.recompute(task.project)
    return item


@transaction.atomic
def checklist_item_toggle(*, user, item: ChecklistItem, done: bool | None = None) -> ChecklistItem:
    refuse_unless_works_on(user, item.task.project)
    item.done = (not item.done) if done is None else done
    item.save(update_fields=["done"])
    health.recompute(item.task.project)
    return item


@transaction.atomic
def checklist_item_delete(*, user, item: ChecklistItem) -> None:
    project = item.task.project
    refuse_unless_works_on(user, project)
    item.delete()
    health.recompute(project)


@transaction.atomic
def checklist_reorder(*, user, task: Task, item_ids: list[int]) -> list[ChecklistItem]:
    """Put the task's checklist in the order of ``item_ids`` (every item, once)."""
    refuse_unless_works_on(user, task.project)
    # order_by("pk") is intentional: rows are locked in one order everywhere.
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(task=task).order_by("pk").select_for_update()
    }
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise Refused(_("The checklist changed meanwhile: reload the task and try again."))
    ordered = []
    for order, pk in enumerate(item_ids):
        item = items[pk]
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])
        ordered.append(item)
    health.recompute(task.project)
    return ordered


# -- attachments -------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, user, task: Task, file) -> Attachment:
    refuse_unless_works_on(user, task.project)
    attachment = Attachment(tenant_id=task.tenant_id, task=task, file=file)
    if getattr(user, "pk", None):
        attachment.uploaded_by = user
    attachment.full_clean()
    attachment.save()
    health.recompute(task.project)
    return attachment


@transaction.atomic
def attachment_save(*, user, attachment: Attachment) -> Attachment:
    refuse_unless_works_on(user, attachment.task.project)
    if attachment.pk is None and getattr(user, "pk", None):
        attachment.uploaded_by = user
    attachment.full_clean()
    attachment.save()
    health.recompute(attachment.task.project)
    return attachment


@transaction.atomic
def attachment_delete(*, user, attachment: Attachment) -> None:
    project = attachment.task.project
    refuse_unless_works_on(user, project)
    attachment.delete()
    health.recompute(project)
