"""A trigram index for the people list's search, on PostgreSQL.

The admin's search is ``icontains`` on four columns, which PostgreSQL runs as
``UPPER(col::text) LIKE UPPER('%term%')``: no B-tree serves a leading
wildcard, so at 100,000 people each search read the whole company. A GIN
index of trigrams on exactly those ``UPPER(...)`` expressions serves it (a
plain trigram index on the column would not: the expression differs).
``tenant_id`` leads it (tenancy invariant 6), which a GIN index holds through
``btree_gin``. Both extensions are trusted (a database owner may create them,
on managed PostgreSQL too); migrations run as the owner.

Not in ``Employee.Meta.indexes``: a GIN index cannot exist on SQLite, where
this migration does nothing.
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

INDEX = "employee_search_trgm"
SEARCHED = ["employee_number", "first_name", "last_name", "work_email"]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f"(UPPER({column}::text)) gin_trgm_ops" for column in SEARCHED)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON employees_employee USING gin (tenant_id, {columns})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0006_import_job_lease"),
    ]

    operations = [
        # Both do nothing on other databases.
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
