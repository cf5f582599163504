"""System check: every file field of the project's own models is private.

A plain FileField/ImageField would store the uploader's name, skip the type
check and the streaming limit, and link to storage; a new module adding one
fails ``manage.py check`` (and so every test run) until it uses the kernel's.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models


def _project_models():
    base = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if base in path.parents and ".venv" not in path.parts and "site-packages" not in path.parts:
            yield from app_config.get_models()


def file_field_errors(model_list) -> list[checks.Error]:
    from opsplatform.files.fields import PrivateFileMixin
    from opsplatform.tenancy.models import TenantModel

    errors = []
    for model in model_list:
        for field in model._meta.local_fields:
            if not isinstance(field, models.FileField):
                continue
            label = f"{model._meta.label}.{field.name}"
            if not isinstance(field, PrivateFileMixin):
                errors.append(
                    checks.Error(
                        f"{label} is a public file field.",
                        hint="Use opsplatform.files.PrivateFileField or PrivateImageField.",
                        obj=field,
                        id="files.E001",
                    )
                )
            elif not issubclass(model, TenantModel) and not _is_tenant_model(model):
                errors.append(
                    checks.Error(
                        f"{label}: a private file belongs to a tenant-owned model.",
                        obj=field,
                        id="files.E002",
                    )
                )
            elif field.name_field and field.name_field not in {
                f.name for f in model._meta.local_fields
            }:
                errors.append(
                    checks.Error(
                        f"{label}: name_field {field.name_field!r} is not a field of the model.",
                        obj=field,
                        id="files.E003",
                    )
                )
    return errors


def _is_tenant_model(model) -> bool:
    from opsplatform.tenancy.models import TenantModel

    return TenantModel._meta.get_field("tenant").remote_field.model in (
        model,
        model._meta.label,
        model._meta.label_lower,
    )


@checks.register()
def private_files_only(app_configs=None, **kwargs):
    return file_field_errors(_project_models())
