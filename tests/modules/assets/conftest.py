"""Fixtures of the assets tests, one file per area."""

from tests.modules.assets.custody_fixtures import in_office, office  # noqa: F401
