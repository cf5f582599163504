"""The asset kind moves to the assets module (modules/assets/models/requests.py).

Django forgets ``AssetDetails`` and its history here, state only:

- the history table's rows are links of each company's audit chain, so it is
  retired, not dropped (module.py declares it; docs/audit.md, "Retiring an audit
  source"); its foreign key to the user goes first, as in migration 0005;
- the details table keeps its rows until the assets module's first migration
  copies them into its own table and drops it. Its foreign keys go first so that
  a deployment without the assets module can still empty or delete requests.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_approver_named_by_kind"),
        ("tenants", "0006_invitation_link_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalassetdetails",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="assetdetails",
            name="approval",
            field=models.OneToOneField(
                db_constraint=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(class)s",
                to="approvals.approvalrequest",
                verbose_name="request",
            ),
        ),
        migrations.AlterField(
            model_name="assetdetails",
            name="tenant",
            field=models.ForeignKey(
                db_constraint=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenants.tenant",
                verbose_name="company",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalAssetDetails"),
                migrations.DeleteModel(name="AssetDetails"),
            ],
            database_operations=[],
        ),
    ]
