"""Production settings: everything secret comes from the environment.

``DJANGO_SETTINGS_MODULE=opsplatform.settings.production`` with SECRET_KEY,
DATABASE_URL, REDIS_URL and BASE_DOMAIN set. ``manage.py check --deploy``
passes with these settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_DEBUG", "false")

from opsplatform.settings import *  # noqa: F403
from opsplatform.settings import env, env_bool, env_list

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not os.environ.get("REDIS_URL"):
    # Login throttling counts failures in Redis, shared by every worker.
    raise ImproperlyConfigured("REDIS_URL must be set in production.")

DEBUG = False
# Only the platform's own names are root hosts: the development default adds
# 127.0.0.1, which in production would open the landlord admin to anyone who
# reaches the server by its address (or a proxy forwarding Host: 127.0.0.1).
ROOT_HOSTS = {BASE_DOMAIN, f"www.{BASE_DOMAIN}", *env_list("EXTRA_ROOT_HOSTS", "")}  # noqa: F405
# Custom tenant domains are allowed in; unknown hosts are answered with a 404
# by the tenancy middleware before anything else reads the host.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Closed after each request: under ASGI each request's sync code runs in a thread
# of its own and a persistent connection stays with that thread, so a load test
# ran PostgreSQL out of connections. Pooling is PgBouncer's job (docs/deploy.md).
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "0"))  # noqa: F405
# The application's connection must be subject to row-level security: the
# first connection refuses a superuser, a BYPASSRLS role or the tables' owner
# (opsplatform.tenancy.guard). Migrations use the "owner" alias.
DATABASE_REQUIRE_RESTRICTED_ROLE = env_bool("DATABASE_REQUIRE_RESTRICTED_ROLE", True)
