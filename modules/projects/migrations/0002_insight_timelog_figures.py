"""The time logs' project index carries the summed figures (index-only sums on PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="timelog", name="timelog_project_date"),
        migrations.AddIndex(
            model_name="timelog",
            index=models.Index(
                fields=[
                    "tenant",
                    "project",
                    "date",
                    "employee",
                    "billable",
                    "hours",
                    "cost_amount",
                    "bill_amount",
                ],
                name="timelog_project_date",
            ),
        ),
    ]
