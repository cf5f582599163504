"""A notification type of the tests' own, and helpers to send it."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register, unregister

PING = "tests.ping"
QUIET = "tests.quiet"


@pytest.fixture(autouse=True)
def ping_type():
    kinds = (
        NotificationType(
            code=PING,
            module="Tests",
            label="Someone pinged me",
            title="%(who)s pinged you",
            body="About %(what)s.",
        ),
        # A title Django's own admin catalogue translates, to see the recipient's language.
        NotificationType(
            code=QUIET,
            module="Tests",
            label="A quiet one",
            title=_("Log out"),
            default_channels=frozenset({"in_app"}),
        ),
    )
    register(*kinds)
    yield kinds
    for kind in kinds:
        unregister(kind.code)
