"""What a check or an import of a file found and did: counts and every
problem by line and column (the first MAX_REPORTED_ERRORS kept, all counted)."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 1000


@dataclass
class RowError:
    line: int  # as the person sees it in a spreadsheet: the header is line 1
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    total: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # problems; a row may have several
    error_rows: int = 0  # rows with at least one problem
    created: int = 0
    updated: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, column, str(message)))

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "to_create": self.to_create,
            "to_update": self.to_update,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "error_rows": self.error_rows,
            "errors": [e.as_dict() for e in self.errors],
            "created": self.created,
            "updated": self.updated,
            "applied": self.applied,
        }
