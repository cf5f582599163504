"""Writes of the sign-in pages: a confirmed authenticator and its recovery codes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def totp_device_confirm(*, user, key: str, last_t: int) -> TOTPDevice:
    """The person proved their app holds ``key``: it becomes their one authenticator.

    ``last_t`` is the time step of the code they typed, so that code cannot be
    replayed at the sign-in step."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, key=key, name=_("Authenticator app"), confirmed=True, last_t=last_t
    )


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Fresh single-use recovery codes (the old ones stop working); shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
