"""Routes say whether they are still the kind's default chain (``Route.is_default``).

A plan's "approval routes" limit counts only the routes a company customised
(docs/billing.md, "Limits"). Every route that exists now is marked default: a
company is not charged a place for routes it set up before the limit counted
them; its next change of one takes a place like any other.

In the history table the column is added **nullable** in the database, without
a default, so the rows already there stay as they were: each is a link of its
company's audit chain, whose canonical text leaves null columns out, and a
filled-in ``false`` would have changed every old row's hash (docs/audit.md,
"Schema changes"). History rows written from now on always carry the value.
"""

from django.db import migrations, models

from opsplatform.tenancy.rls import open_owner_maintenance


def mark_existing_routes_default(apps, schema_editor):
    # Every company's rows: under FORCE row-level security the owner sees them
    # only with its maintenance policy open; the migrating connection, never "default".
    open_owner_maintenance(schema_editor.connection)
    alias = schema_editor.connection.alias
    routes = apps.get_model("approvals", "Route")._base_manager.db_manager(alias)
    routes.update(is_default=True)


def field():
    return models.BooleanField(default=False, editable=False, verbose_name="default route")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0007_asset_kind_moves_to_assets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="historicalroute", name="is_default", field=field()),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE approvals_historicalroute ADD COLUMN is_default boolean NULL",
                    "ALTER TABLE approvals_historicalroute DROP COLUMN is_default",
                ),
            ],
        ),
        migrations.AddField(model_name="route", name="is_default", field=field()),
        migrations.RunPython(mark_existing_routes_default, migrations.RunPython.noop),
    ]
