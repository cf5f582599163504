"""One task row checked on its own: its project (one the person manages), its
number (an update) or none (a new task), its column, people, dates and labels.
What needs every row (references, loops) is task_links.py's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from modules.projects.importing.lookups import Lookups, ProjectFacts
from modules.projects.models import Column, Dependency, Label, Priority, Task
from opsplatform.importing.cells import parse_choice
from opsplatform.importing.rows import RowCheck

TITLE_LIMIT = Task._meta.get_field("title").max_length
LABEL_LIMIT = Label._meta.get_field("name").max_length
REF_LIMIT = 60


@dataclass(frozen=True)
class Existing:
    pk: int
    number: int
    column_id: int
    start_date: date | None
    due_date: date | None
    completed: bool


@dataclass(slots=True)
class Planned:
    line: int
    facts: ProjectFacts
    existing: Existing | None
    ref: str
    title: str
    description: str | None  # None: the column is not in the file (an update keeps it)
    column: Column | None
    assignees: list[int] | None
    priority: str | None
    start_date: date | None
    due_date: date | None
    estimate_hours: Decimal | None
    labels: list[str] | None
    parent: str | None
    blocked_by: list[str] | None
    headers: frozenset
    # Filled when the rows are checked together.
    parent_key: tuple | None = None
    blocker_keys: list[tuple] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return ("t", self.existing.pk) if self.existing else ("r", self.line)


class ProjectTasks:
    """A project's tasks, loaded the first time a row names the project."""

    def __init__(self):
        self.loaded: dict[int, dict[int, Existing]] = {}
        self.done_columns: dict[int, set[int]] = {}
        self.dependencies: dict[int, dict[int, set[int]]] = {}
        self.parents: dict[int, dict[int, int | None]] = {}

    def of(self, facts: ProjectFacts) -> dict[int, Existing]:
        project_id = facts.project.pk
        if project_id not in self.loaded:
            done = set(
                Column.objects.filter(project_id=project_id, is_done=True).values_list(
                    "pk", flat=True
                )
            )
            self.done_columns[project_id] = done
            tasks, parents = {}, {}
            for pk, number, column_id, start, due, parent_id in Task.objects.filter(
                project_id=project_id
            ).values_list("pk", "number", "column_id", "start_date", "due_date", "parent_id"):
                tasks[number] = Existing(pk, number, column_id, start, due, column_id in done)
                parents[pk] = parent_id
            self.loaded[project_id] = tasks
            self.parents[project_id] = parents
            blockers: dict[int, set[int]] = defaultdict(set)
            for task_id, blocker_id in Dependency.objects.filter(
                task__project_id=project_id
            ).values_list("task_id", "blocker_id"):
                blockers[task_id].add(blocker_id)
            self.dependencies[project_id] = blockers
        return self.loaded[project_id]


def failed_refs(seen_refs: dict, planned: list[Planned]) -> set[tuple[int, str]]:
    """Refs of rows that had problems of their own: a reference to one is not a second problem."""
    good = {(p.facts.project.pk, p.ref.lower()) for p in planned if p.ref}
    return {key for key in seen_refs if key not in good}


def task_number(text: str, code: str) -> int | None:
    text = text.strip()
    if text.upper().startswith(f"{code.upper()}-"):
        text = text[len(code) + 1 :]
    return int(text) if text.isdigit() else None


def check_row(
    row: RowCheck, lookups: Lookups, tasks: ProjectTasks, seen_numbers, seen_refs, present
):
    facts = lookups.project(row)
    existing = None
    number_text = row.text("number")
    if facts is not None and number_text:
        number = task_number(number_text, facts.project.code)
        found = tasks.of(facts)
        if number is None:
            row.fail("number", _("“%(value)s” is not a task number.") % {"value": number_text[:20]})
        elif number not in found:
            row.fail(
                "number",
                _("No task %(code)s-%(number)d; leave the number empty to add a task.")
                % {"code": facts.project.code, "number": number},
            )
        elif (facts.project.pk, number) in seen_numbers:
            row.fail(
                "number",
                _("Task %(code)s-%(number)d is on line %(line)d too.")
                % {
                    "code": facts.project.code,
                    "number": number,
                    "line": seen_numbers[(facts.project.pk, number)],
                },
            )
        else:
            existing = found[number]
            seen_numbers[(facts.project.pk, number)] = row.line
    elif facts is not None:
        tasks.of(facts)
    ref = row.text("ref", limit=REF_LIMIT)
    if ref and facts is not None:
        key = (facts.project.pk, ref.lower())
        if key in seen_refs:
            row.fail(
                "ref",
                _("The ref “%(ref)s” is on line %(line)d too.")
                % {"ref": ref, "line": seen_refs[key]},
            )
        else:
            seen_refs[key] = row.line
    title = row.text("title", required=True, limit=TITLE_LIMIT)
    description = row.text("description") if row.has("description") else None
    column = None
    status = row.text("status")
    if status and facts is not None:
        column = facts.columns.get(status.lower())
        if column is None:
            names = ", ".join(c.name for c in facts.columns.values())
            row.fail(
                "status",
                _("%(project)s has no column “%(value)s” (its columns: %(names)s).")
                % {"project": facts.project.code, "value": status[:60], "names": names},
            )
    elif existing is None and facts is not None:
        column = facts.first_column
        if column is None:
            row.fail(
                "status", _("%(project)s has no columns yet.") % {"project": facts.project.code}
            )
    assignees = None
    if row.has("assignees"):
        assignees = []
        for value in row.items("assignees"):
            pk = lookups.person(row, "assignees", value, facts)
            if pk is not None and pk not in assignees:
                assignees.append(pk)
    priority = None
    if row.has("priority"):
        try:
            priority = parse_choice(row.cells["priority"], Priority.choices, "priority") or (
                Priority.NORMAL
            )
        except ValueError as error:
            row.fail("priority", str(error))
    start = row.day("start_date")
    due = row.day("due_date")
    final_start = start if row.has("start_date") else (existing.start_date if existing else None)
    final_due = due if row.has("due_date") else (existing.due_date if existing else None)
    if final_start and final_due and final_due < final_start:
        row.fail("due_date", _("The due date cannot be before the start date."))
    estimate = row.number("estimate_hours")
    if estimate is not None and estimate > Decimal("9999999"):
        row.fail("estimate_hours", _("This number is too large."))
    labels = None
    if row.has("labels"):
        labels = row.items("labels")
        for name in labels:
            if len(name) > LABEL_LIMIT:
                row.fail("labels", _("A label has at most %(n)d characters.") % {"n": LABEL_LIMIT})
    parent = row.text("parent") if row.has("parent") else None
    blocked_by = row.items("blocked_by") if row.has("blocked_by") else None
    if row.failed or facts is None:
        return None
    return Planned(
        line=row.line,
        facts=facts,
        existing=existing,
        ref=ref,
        title=title,
        description=description,
        column=column,
        assignees=assignees,
        priority=priority,
        start_date=start,
        due_date=due,
        estimate_hours=estimate,
        labels=labels,
        parent=parent,
        blocked_by=blocked_by,
        headers=present,
    )
