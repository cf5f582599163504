"""Test settings: the same stack, with tasks run inline and mail kept in memory.

DATABASE_URL and REDIS_URL still decide the database and the cache/channel
layer, so CI runs the suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("HUEY_IMMEDIATE", "true")

from opsplatform.settings import *  # noqa: F403
from opsplatform.settings import HUEY

HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Under CI the suite connects as the application's role (DATABASE_URL) and
# creates, migrates and flushes the test database as the owner
# (DATABASE_OWNER_URL): tests/db_roles.py. The owner is no alias of its own
# here, so no test can reach past row-level security by accident.
TEST_OWNER_DATABASE = DATABASES.pop("owner", None)  # noqa: F405

# The suite shares busy machines: a probe or a channel-layer call that takes
# 2 s there is load, not a fault. Tests of the timeouts set their own.
HEALTHZ_CHECK_TIMEOUT_SECONDS = 10.0
CHANNEL_LAYER_TIMEOUT_SECONDS = 10.0

# A throwaway module that registers a request kind of its own (tests/approvals_kind):
# the approvals engine routes it end to end (tests/modules/approvals/test_request_kinds.py).
# Only with approvals installed (tests/opsplatform/test_module_removal.py runs without it).
if "modules.approvals" in MODULES:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "tests.approvals_kind"]  # noqa: F405
