"""SQL functions the ORM lacks."""

from __future__ import annotations

from django.db.models import BooleanField, Func


class StartsWith(Func):
    """``starts_with(text, prefix)``: the prefix test row-level security lets an index serve.

    On a table with a policy PostgreSQL applies the policy's condition before
    any condition that is not leakproof, and only a leakproof one may be an
    index condition. ``LIKE 'x%'`` (Django's ``startswith``) is not leakproof;
    ``starts_with`` is, and the planner turns it into a range on a B-tree with
    ``text_pattern_ops`` (docs/employees.md, "Search"). SQLite has no such
    function: there the same test is a comparison of the first characters.
    """

    function = "starts_with"
    output_field = BooleanField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        (text_sql, text_params), (prefix_sql, prefix_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"(substr({text_sql}, 1, length({prefix_sql})) = {prefix_sql})"
        return sql, (*text_params, *prefix_params, *prefix_params)
