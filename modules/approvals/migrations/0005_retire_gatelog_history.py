"""The gate log is its own audit: its history table is retired, not dropped.

The rows of ``approvals_historicalgatelog`` are links of each company's audit
chain (opsplatform/audit_chain.py), so dropping the table would break every
chain. Django forgets the historical model here (state only) and the table
stays, declared in module.py as a retired audit source: ``verify_audit``
walks it, row-level security guards it and the application's role may only
read it (docs/audit.md, "Retiring an audit source").

Its one real foreign key, to the user who made the change, is dropped first:
Django no longer knows the table, so it would neither include it when it
empties the users table (a test database's flush) nor null it when a user is
deleted, and either would then fail on the constraint. The column keeps its
values, so no row's chained content changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_kinds_own_their_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalgatelog",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HistoricalGateLog")],
            database_operations=[],
        ),
    ]
