"""The uploaded file between its preview and the confirmation, for any module's import.

The check of a file writes nothing; the file is kept in private storage under
the company's folder (``<area>/imports/<tenant id>/``, a random name) and the
page carries a signed token naming it, the kind of file, the company and the
person. Confirming checks the file again (the data may have changed since the
preview) and writes all rows or none, once: the token's random part is a
one-time nonce spent in the import's transaction, so a double click imports
once. No table is needed, and a file nobody confirms is swept after an hour.

A module makes one ``HeldImports(area=..., run=...)``; ``run(kind, stream,
path, *, user, dry_run, key, source)`` checks (and, unless ``dry_run``, writes)
one file and returns its report.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsplatform import onetime
from opsplatform.files.fields import megabytes
from opsplatform.files.types import CSV, XLSX, detect
from opsplatform.files.uploads import OversizedUpload
from opsplatform.importing.files import ImportFileError
from opsplatform.importing.report import ImportReport
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant

logger = logging.getLogger(__name__)

HOLD_SECONDS = 3600
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Held:
    path: str
    filename: str
    kind: str
    nonce: str
    token: str


def _expired() -> Refused:
    return Refused(_("This preview has expired; upload the file again."))


class HeldImports:
    def __init__(self, *, area: str, run: Callable[..., ImportReport]):
        self.area = area
        self.salt = f"{area}.import"
        self.run_file = run

    def _folder(self) -> str:
        return f"{self.area}/imports/{require_current_tenant().pk}"

    def hold(self, upload, *, kind: str, user) -> Held:
        """Keep an uploaded file for its confirmation; refused if it is not a CSV/XLSX file."""
        if isinstance(upload, OversizedUpload) or (upload.size or 0) > MAX_BYTES:
            raise Refused(
                _("The file is larger than %(size)s.") % {"size": megabytes(MAX_BYTES)},
                field="file",
            )
        found = detect(upload, (XLSX, CSV))
        if found is None:
            raise Refused(_("Upload a .csv or .xlsx file."), field="file")
        self._sweep()
        nonce = secrets.token_urlsafe(16)
        upload.seek(0)
        path = default_storage.save(f"{self._folder()}/{nonce}{found.extension}", upload)
        tenant = require_current_tenant()
        token = signing.dumps(
            {
                "p": path,
                "n": upload.name[:200],
                "k": kind,
                "x": nonce,
                "t": tenant.pk,
                "u": user.pk,
            },
            salt=self.salt,
        )
        return Held(path, upload.name, kind, nonce, token)

    def held(self, token: str, *, user) -> Held:
        """The file a token names, for this company and person only."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=HOLD_SECONDS)
        except signing.BadSignature:
            raise _expired() from None
        if data["t"] != require_current_tenant().pk or data["u"] != user.pk:
            raise _expired()
        return Held(data["p"], data["n"], data["k"], data["x"], token)

    def check_held(self, file: Held, *, user=None) -> ImportReport:
        """The preview: every row checked, nothing written."""
        return self._run(file, dry_run=True, user=user)

    def confirm_held(self, file: Held, *, user) -> ImportReport:
        """Check the file again and write all its rows or none, at most once per preview."""
        with transaction.atomic():
            if not onetime.spend(
                f"{self.area}-import:{file.nonce}", valid_for_seconds=HOLD_SECONDS
            ):
                raise Refused(_("This file has already been imported."))
            try:
                report = self._run(file, dry_run=False, user=user)
            except IntegrityError:
                # Someone wrote the same rows (a balance, a task number) since the check.
                transaction.set_rollback(True)
                raise Refused(
                    _(
                        "Nothing was imported: the data changed since the check. Check the file again."
                    )
                ) from None
            if not report.applied:
                # Nothing was written; the nonce is given back so the fixed data can be retried.
                transaction.set_rollback(True)
                return report
            transaction.on_commit(lambda: self.discard(file))
            return report

    def _run(self, file: Held, *, dry_run: bool, user) -> ImportReport:
        try:
            with default_storage.open(file.path, "rb") as stream:
                return self.run_file(
                    file.kind,
                    stream,
                    file.path,
                    user=user,
                    dry_run=dry_run,
                    key=file.nonce[:16],
                    source=file.filename,
                )
        except FileNotFoundError:
            raise _expired() from None
        except ImportFileError as error:
            report = ImportReport()
            report.add_error(0, "", str(error))
            return report

    def discard(self, file: Held) -> None:
        default_storage.delete(file.path)

    def _sweep(self) -> None:
        """Files of previews nobody confirmed, older than a token can be, are deleted."""
        cutoff = timezone.now() - timedelta(seconds=HOLD_SECONDS * 2)
        try:
            _dirs, names = default_storage.listdir(self._folder())
        except FileNotFoundError:
            return
        for name in names:
            path = f"{self._folder()}/{name}"
            try:
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
            except (FileNotFoundError, NotImplementedError):
                logger.info("%s import: could not sweep %s", self.area, path)
