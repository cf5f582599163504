"""The asset requests the approvals engine kept (approvals_assetdetails) move here.

Approvals' migration 0007 let Django forget that table but kept its rows; this
copies them into assets_assetrequest, row for row with the same ids, and drops it.
Requests already completed join the fulfilment queue from their completion time.
The old table's history stays where it was, retired (approvals' module.py).
"""

from django.db import migrations

OLD = "approvals_assetdetails"
COLUMNS = "id, tenant_id, approval_id, asset_category, specification, quantity, estimated_cost, reason"


def move_in(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD not in connection.introspection.table_names(cursor):
            return
        cursor.execute(
            f"INSERT INTO assets_assetrequest ({COLUMNS}, awaiting_since) "
            f"SELECT {', '.join('d.' + c.strip() for c in COLUMNS.split(','))}, "
            "CASE WHEN r.status = 'completed' THEN r.finished_at END "
            f"FROM {OLD} d JOIN approvals_approvalrequest r ON r.id = d.approval_id"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('assets_assetrequest', 'id'), "
                "COALESCE((SELECT MAX(id) FROM assets_assetrequest), 1))"
            )
        cursor.execute(f"DROP TABLE {OLD}")


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0001_initial"),
        ("approvals", "0007_asset_kind_moves_to_assets"),
    ]

    operations = [migrations.RunPython(move_in, migrations.RunPython.noop)]
