"""Factories of the projects module, registered for the crawlers (tests/factories.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from modules.projects.models import (
    Attachment,
    ChecklistItem,
    Column,
    Comment,
    Dependency,
    Label,
    Project,
    ProjectMember,
    RunningTimer,
    Task,
    TaskAssignee,
    TaskLabel,
    TimeLog,
    Timesheet,
)
from tests.factories import marker, register
from tests.modules.employees.factories import EmployeeFactory

_codes = iter(range(1, 10**9))


def _code() -> str:
    return f"P{next(_codes)}"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.LazyFunction(_code)
    name = factory.LazyFunction(lambda: marker("Project"))
    manager = factory.SubFactory(EmployeeFactory)
    status = Project.Status.ACTIVE
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=60))


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    employee = factory.SubFactory(EmployeeFactory)


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    project = factory.SubFactory(ProjectFactory)
    name = factory.LazyFunction(lambda: marker("Column"))
    order = factory.Sequence(lambda n: n)


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label

    name = factory.LazyFunction(lambda: marker("Label"))


class TaskFactory(factory.django.DjangoModelFactory):
    """A task in a column of its own project; its number is the project's next."""

    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    column = factory.LazyAttribute(lambda task: ColumnFactory(project=task.project))
    title = factory.LazyFunction(lambda: marker("Task"))

    @factory.lazy_attribute
    def number(self):
        project = self.project
        project.task_sequence += 1
        Project.objects.filter(pk=project.pk).update(task_sequence=project.task_sequence)
        return project.task_sequence


class TaskAssigneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskAssignee

    task = factory.SubFactory(TaskFactory)
    employee = factory.SubFactory(EmployeeFactory)


class TaskLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskLabel

    task = factory.SubFactory(TaskFactory)
    label = factory.SubFactory(LabelFactory)


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    task = factory.SubFactory(TaskFactory)
    blocker = factory.LazyAttribute(
        lambda link: TaskFactory(project=link.task.project, column=link.task.column)
    )


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    task = factory.SubFactory(TaskFactory)
    text = factory.LazyFunction(lambda: marker("Item"))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    task = factory.SubFactory(TaskFactory)
    body = factory.LazyFunction(lambda: marker("Comment"))


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    task = factory.SubFactory(TaskFactory)
    file = factory.django.FileField(filename="notes.txt", data=b"Meeting notes\n")


class TimeLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeLog

    task = factory.SubFactory(TaskFactory)
    project = factory.LazyAttribute(lambda log: log.task.project)
    employee = factory.SubFactory(EmployeeFactory)
    date = factory.LazyFunction(date.today)
    hours = Decimal("2.5")
    note = factory.LazyFunction(lambda: marker("Note"))


class RunningTimerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunningTimer

    employee = factory.SubFactory(EmployeeFactory)
    task = factory.SubFactory(TaskFactory)
    started_at = factory.LazyFunction(timezone.now)


register(Project)(lambda: ProjectFactory())
register(ProjectMember)(lambda: ProjectMemberFactory())
register(Column)(lambda: ColumnFactory())
register(Label)(lambda: LabelFactory())
register(Task)(lambda: TaskFactory())
register(TaskAssignee)(lambda: TaskAssigneeFactory())
register(TaskLabel)(lambda: TaskLabelFactory())
register(Dependency)(lambda: DependencyFactory())
register(ChecklistItem)(lambda: ChecklistItemFactory())
register(Comment)(lambda: CommentFactory())
register(Attachment)(lambda: AttachmentFactory())
register(TimeLog)(lambda: TimeLogFactory())
register(RunningTimer)(lambda: RunningTimerFactory())


def make_timesheet(**fields) -> Timesheet:
    """A draft timesheet of a member's last week on a new project, with one entry."""
    from modules.projects.selectors.time import monday_of
    from opsplatform.tenancy.context import require_current_tenant
    from tests.factories import MembershipFactory
    from tests.modules.approvals.factories import make_approval_request

    member = MembershipFactory()
    person = fields.pop("employee", None) or EmployeeFactory(
        membership=member, hourly_cost_rate=Decimal("30")
    )
    task = TaskFactory()
    ProjectMemberFactory(project=task.project, employee=person)
    week = monday_of(require_current_tenant().today()) - timedelta(days=7)
    TimeLogFactory(task=task, project=task.project, employee=person, date=week, hours=2)
    fields.setdefault("requester", member.user)
    fields.setdefault("title", marker("Timesheet"))
    approval = make_approval_request(
        kind="timesheet", employee=person, project=task.project, week_start=week, **fields
    )
    return approval.timesheet


register(Timesheet)(make_timesheet)
