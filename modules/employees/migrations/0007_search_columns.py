# The search's lower-cased prefix columns and their indexes (docs/employees.md, "Search").

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('employees', '0006_import_job_lease'),
        ('tenants', '0006_invitation_link_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='employee',
            name='search_email',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower('work_email'), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='employee',
            name='search_last_name',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower('last_name'), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='employee',
            name='search_name',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat('first_name', models.Value(' '), 'last_name', output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='employee',
            name='search_number',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower('employee_number'), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='employee',
            index=models.Index(fields=['tenant', 'search_name'], name='employee_search_name', opclasses=['int8_ops', 'text_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='employee',
            index=models.Index(fields=['tenant', 'search_last_name'], name='employee_search_last_name', opclasses=['int8_ops', 'text_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='employee',
            index=models.Index(fields=['tenant', 'search_number'], name='employee_search_number', opclasses=['int8_ops', 'text_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='employee',
            index=models.Index(fields=['tenant', 'search_email'], name='employee_search_email', opclasses=['int8_ops', 'text_pattern_ops']),
        ),
    ]
