"""Data migration step shared by the apps whose files became private.

Rows stored before names were random keep their file where it is; the name a
person knows it by is the last part of its old path. Migrations import this,
so its behaviour must not change once released.
"""

from __future__ import annotations

from opsplatform.tenancy.rls import open_owner_maintenance


def original_names(*specs):
    """A RunPython forward function filling ``name_field`` from ``file_field``
    for each ``(model label, file field, name field)``."""

    def forward(apps, schema_editor):
        # Every company's rows: under FORCE row-level security the owner sees
        # them only with its maintenance policy open.
        open_owner_maintenance(schema_editor.connection)
        # The migrating connection (the owner's alias), never "default": in
        # production "default" is the application's role, refused before the
        # scope key is stored.
        alias = schema_editor.connection.alias
        for model_label, file_field, name_field in specs:
            manager = apps.get_model(model_label)._base_manager.db_manager(alias)
            rows = list(manager.exclude(**{file_field: ""}).only("pk", file_field))
            for row in rows:
                setattr(row, name_field, str(getattr(row, file_field)).rsplit("/", 1)[-1][:255])
            manager.bulk_update(rows, [name_field], batch_size=500)

    return forward
