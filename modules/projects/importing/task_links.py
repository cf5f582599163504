"""The task rows checked together, per project: ``parent`` and ``blocked_by``
resolved (a row's ref in the file first, then a task number), loops refused
naming every task in them, and no task in a done column waiting for an open one.

The graph checked is the one the import would leave: the project's existing
links, with those of the file's rows replaced by the file's.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from modules.projects.importing.task_rows import Planned, ProjectTasks, task_number
from opsplatform.importing.report import ImportReport


def check_together(
    planned: list[Planned], tasks: ProjectTasks, report: ImportReport, *, failed_refs
) -> set[int]:
    """The lines with a problem (each reported on its line and column)."""
    by_project: dict[int, list[Planned]] = defaultdict(list)
    for item in planned:
        by_project[item.facts.project.pk].append(item)
    bad: set[int] = set()
    for project_id, items in by_project.items():
        links = ProjectLinks(project_id, items, tasks, report, failed_refs)
        links.resolve()
        links.blocker_loops()
        links.parent_loops()
        links.done_with_open_blockers()
        bad |= links.bad
    return bad


class ProjectLinks:
    def __init__(self, project_id, items, tasks: ProjectTasks, report, failed_refs):
        self.project_id = project_id
        self.items = items
        self.code = items[0].facts.project.code
        self.existing = tasks.loaded[project_id]
        self.done_columns = tasks.done_columns[project_id]
        self.report = report
        self.failed_refs = failed_refs
        self.refs = {item.ref.lower(): item for item in items if item.ref}
        self.by_key = {item.key: item for item in items}
        self.number_of = {e.pk: e.number for e in self.existing.values()}
        self.column_of = {e.pk: e.column_id for e in self.existing.values()}
        self.blockers = {
            ("t", task): [("t", b) for b in sorted(found)]
            for task, found in tasks.dependencies[project_id].items()
        }
        self.parents = {
            ("t", task): ("t", parent) if parent else None
            for task, parent in tasks.parents[project_id].items()
        }
        self.bad: set[int] = set()

    def fail(self, item: Planned, column: str, message: str) -> None:
        self.report.add_error(item.line, column, message)
        self.bad.add(item.line)

    def name(self, key: tuple) -> str:
        if key[0] == "t":
            return f"{self.code}-{self.number_of[key[1]]}"
        item = self.by_key[key]
        return item.ref or _("line %(line)d") % {"line": item.line}

    def _key(self, item: Planned, column: str, token: str) -> tuple | None:
        target = self.refs.get(token.lower())
        if target is not None:
            return target.key
        if (self.project_id, token.lower()) in self.failed_refs:
            return None  # that row has a problem of its own
        number = task_number(token, self.code)
        if number is not None and number in self.existing:
            return ("t", self.existing[number].pk)
        self.fail(
            item,
            column,
            _("No task %(code)s-%(value)s and no row with the ref “%(value)s”.")
            % {"code": self.code, "value": token[:40]},
        )
        return None

    def resolve(self) -> None:
        for item in self.items:
            if item.parent:
                item.parent_key = self._key(item, "parent", item.parent)
            for token in item.blocked_by or []:
                key = self._key(item, "blocked_by", token)
                if key is not None and key == item.key:
                    self.fail(item, "blocked_by", _("A task cannot block itself."))
                elif key is not None and key not in item.blocker_keys:
                    item.blocker_keys.append(key)
            if item.blocked_by is not None:
                self.blockers[item.key] = item.blocker_keys
            if item.parent is not None:
                self.parents[item.key] = item.parent_key

    def _loop_names(self, loop: list[tuple]) -> str:
        return " → ".join(self.name(key) for key in [*loop, loop[0]])

    def blocker_loops(self) -> None:
        for loop in loops(self.blockers, [item.key for item in self.items]):
            message = _("These tasks block each other in a loop: %(loop)s.") % {
                "loop": self._loop_names(loop)
            }
            for key in loop:
                item = self.by_key.get(key)
                if item is not None and item.blocked_by is not None:
                    self.fail(item, "blocked_by", message)

    def parent_loops(self) -> None:
        for item in self.items:
            if item.parent is None:
                continue
            seen, key = [item.key], self.parents.get(item.key)
            while key is not None and key not in seen:
                seen.append(key)
                key = self.parents.get(key)
            if key is not None:
                loop = seen[seen.index(key) :]
                self.fail(
                    item,
                    "parent",
                    _("These tasks are each other's parents in a loop: %(loop)s.")
                    % {"loop": self._loop_names(loop)},
                )

    def _is_done(self, key: tuple) -> bool:
        item = self.by_key.get(key)
        if item is not None and item.column is not None:
            return item.column.is_done
        return key[0] == "t" and self.column_of[key[1]] in self.done_columns

    def done_with_open_blockers(self) -> None:
        """A task in a done column waits for no open blocker (the board's rule too)."""
        for item in self.items:
            if not self._is_done(item.key):
                continue
            open_blockers = [k for k in self.blockers.get(item.key, []) if not self._is_done(k)]
            if open_blockers:
                self.fail(
                    item,
                    "status",
                    _("A task in a done column cannot wait for open tasks: %(tasks)s.")
                    % {"tasks": ", ".join(self.name(k) for k in open_blockers)},
                )


def loops(graph: dict[tuple, list[tuple]], starts: list[tuple]) -> list[list[tuple]]:
    """Each cycle reachable from ``starts`` (an iterative depth-first search)."""
    state: dict[tuple, int] = {}  # 1: on the path, 2: finished
    found: list[list[tuple]] = []
    for start in starts:
        if state.get(start):
            continue
        path = [start]
        stack = [(start, iter(graph.get(start, ())))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                found.append(path[path.index(child) :])
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return found
