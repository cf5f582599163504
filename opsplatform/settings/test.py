"""Test settings: the same stack, with tasks run inline and mail kept in memory.

DATABASE_URL and REDIS_URL still decide the database and the cache/channel
layer, so CI runs the suite against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("HUEY_IMMEDIATE", "true")

from opsplatform.settings import *  # noqa: E402,F403
from opsplatform.settings import HUEY  # noqa: E402

HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
