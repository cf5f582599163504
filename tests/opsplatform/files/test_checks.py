"""A public file field on a project model fails ``manage.py check``."""

from __future__ import annotations

from django.db import models
from django.test.utils import isolate_apps

from opsplatform.files import PDF, PrivateFileField
from opsplatform.files.checks import file_field_errors, private_files_only
from opsplatform.tenancy.models import TenantModel


def test_the_project_has_no_public_file_field():
    assert private_files_only() == []


@isolate_apps("opsplatform")
def test_a_plain_file_field_is_an_error():
    class Receipt(models.Model):  # noqa: DJ008
        scan = models.FileField(upload_to="receipts/")

        class Meta:
            app_label = "opsplatform"

    assert [e.id for e in file_field_errors([Receipt])] == ["files.E001"]


@isolate_apps("opsplatform")
def test_a_private_file_needs_a_tenant_and_a_real_name_column():
    class Loose(models.Model):  # noqa: DJ008
        scan = PrivateFileField(area="loose", types=(PDF,), max_size=1)

        class Meta:
            app_label = "opsplatform"

    class Misnamed(TenantModel):
        __module__ = "opsplatform.models"  # where simple-history puts its copy
        scan = PrivateFileField(area="x", types=(PDF,), max_size=1, name_field="scan_nam")

        class Meta:
            app_label = "opsplatform"

    assert [e.id for e in file_field_errors([Loose, Misnamed])] == ["files.E002", "files.E003"]
