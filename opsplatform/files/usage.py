"""How much a company stores: the plan's "files.storage_mb" (docs/billing.md).

Every private file of a company is stored under ``tenants/<id>/`` (fields.py),
so its use is the size of that folder in the storage, whatever module the
files belong to. No table records sizes, so this walks the folder: for the
billing page's meter, and for each upload while the plan caps storage
(fields.py, ``check_storage``; an unlimited plan never walks it).
"""

from __future__ import annotations

import math

from django.core.files.storage import default_storage

from opsplatform.files.fields import MB


def _folder_bytes(storage, path: str) -> int:
    try:
        folders, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    total = sum(storage.size(f"{path}/{name}") for name in files)
    return total + sum(_folder_bytes(storage, f"{path}/{name}") for name in folders)


def stored_megabytes(tenant) -> int:
    """Megabytes of private files stored for ``tenant``, rounded up."""
    return math.ceil(_folder_bytes(default_storage, f"tenants/{tenant.pk}") / MB)
