"""Settings for every environment, read from the environment.

Development defaults need nothing running: SQLite, SqliteHuey, an in-memory
channel layer and the console email backend. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, BASE_DOMAIN and the email/Stripe keys, and uses
``opsplatform.settings.production`` on top of this module.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# The development key is public on purpose; production.py refuses to start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", "dev-insecure-key-only-for-local-development-0123456789")

# The root domain serves the landlord admin; every tenant lives on a Domain row
# (<slug>.<BASE_DOMAIN> or a custom domain). Unknown hosts get a 404 from the
# tenancy middleware, so ALLOWED_HOSTS can stay wide for custom domains.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost").lower()
ROOT_HOSTS = {BASE_DOMAIN, f"www.{BASE_DOMAIN}", *env_list("EXTRA_ROOT_HOSTS", "127.0.0.1")}
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f".{BASE_DOMAIN},{BASE_DOMAIN},127.0.0.1,[::1]")
# The port tenant links are built with in development (acme.localhost:8000).
PUBLIC_PORT = env("PUBLIC_PORT", "8000" if DEBUG else "")
PUBLIC_SCHEME = env("PUBLIC_SCHEME", "http" if DEBUG else "https")

# The business modules, in the order their dashboard cards come (docs/modules.md). Removing one here (or with MODULES=... in the
# environment) removes it from the product; one a module requires must stay.
MODULES = env_list(
    "MODULES", "modules.employees,modules.approvals,modules.leave,modules.projects,modules.assets"
)

INSTALLED_APPS = [
    "daphne",
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "import_export",
    "huey.contrib.djhuey",
    "channels",
    "anymail",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "opsplatform",
    "opsplatform.notifications",
    "opsplatform.outbox",
    "opsplatform.billing",
    "tenants",
    *MODULES,
]

MIDDLEWARE = [
    # First: /healthz answers without the database transaction or the HTTPS redirect.
    "opsplatform.health.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opsplatform.tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "opsplatform.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: each tells the person why they were signed out or sent on.
    "opsplatform.accounts.sessions.SessionTimeoutMiddleware",
    "opsplatform.accounts.two_factor.TwoFactorMiddleware",
    # After sign-in and its second factor: a locked feature's upgrade page (402) and
    # read-only mode's refusal of writes (403), docs/billing.md.
    "opsplatform.billing.middleware.BillingGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: it turns a lockout seen during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Tenant hosts use the tenant URLconf; the middleware switches root hosts to the landlord one.
ROOT_URLCONF = "opsplatform.urls.tenant"
LANDLORD_URLCONF = "opsplatform.urls.landlord"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opsplatform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsplatform.tenancy.context_processors.tenant",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "opsplatform.wsgi.application"
ASGI_APPLICATION = "opsplatform.asgi.application"


POOLERS = ("", "pgbouncer")


def database(url: str, pooler: str = "") -> dict:
    """A DATABASES entry for ``url``; ``pooler`` names what stands between the
    process and PostgreSQL ("pgbouncer": PgBouncer in transaction mode)."""
    if pooler not in POOLERS:
        raise ValueError(f"DATABASE_POOLER must be one of {POOLERS}, not {pooler!r}")
    config = dj_database_url.parse(url, conn_max_age=int(env("DB_CONN_MAX_AGE", "0")))
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Keeps each transaction's row-level-security scope in step with the
        # current tenant (opsplatform/db/backends/postgresql/base.py); the
        # scope is transaction-local, so transaction pooling is safe for it.
        config["ENGINE"] = "opsplatform.db.backends.postgresql"
    if pooler == "pgbouncer" and config["ENGINE"] == "opsplatform.db.backends.postgresql":
        _behind_pgbouncer(config)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The demo database: write-ahead logging lets pages read while an
        # import writes, and writers wait their turn instead of failing with
        # "database is locked" (IMMEDIATE takes the write lock up front).
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            **config.get("OPTIONS", {}),
        }
    return config


def _behind_pgbouncer(config: dict) -> None:
    # In transaction mode the next transaction may run on another server
    # connection: a cursor held open past its transaction (Django's
    # .iterator() in autocommit declares one WITH HOLD) or a prepared
    # statement would be left on a connection this client no longer has.
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    options = config.setdefault("OPTIONS", {})
    if options.get("server_side_binding"):
        raise ValueError("server_side_binding prepares statements, which PgBouncer cannot keep")
    options.setdefault("prepare_threshold", None)


# DATABASE_POOLER=pgbouncer when DATABASE_URL points at PgBouncer in transaction
# mode (docs/tenancy.md, "Connection poolers"); migrations (DATABASE_OWNER_URL)
# go straight to PostgreSQL.
DATABASES = {
    "default": database(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), env("DATABASE_POOLER", "")
    )
}
# PostgreSQL: the application connects (DATABASE_URL) as a role that neither
# owns the tables nor bypasses row-level security; migrations run as the owner
# (DATABASE_OWNER_URL, `manage.py migrate --database owner`), which grants
# DATABASE_APP_ROLE data rights under the policies and append-only rights on
# the audit tables (opsplatform.tenancy.rls, docs/tenancy.md).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", "")
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", "")
if DATABASE_OWNER_URL:
    DATABASES["owner"] = database(DATABASE_OWNER_URL)
# Signs the connection's tenant scope; derived from SECRET_KEY when unset.
# The migrating process stores it where only the owner can read it.
RLS_SCOPE_KEY = env("RLS_SCOPE_KEY", "")
# Production refuses a database role that could read past the policies.
DATABASE_REQUIRE_RESTRICTED_ROLE = False
# Requests are atomic through the tenancy middleware (see its docstring), not
# ATOMIC_REQUESTS, which would leave the session and RLS setting outside.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")

# A Redis that stops answering (rather than refusing) must cost a request a
# second, not the operating system's TCP timeout: every cache read has a
# fallback (docs/reliability.md), so failing fast is what keeps pages up.
REDIS_SOCKET_TIMEOUT_SECONDS = float(env("REDIS_SOCKET_TIMEOUT_SECONDS", "1"))

if REDIS_URL:
    _REDIS_CACHE_OPTIONS = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "ops"),
            "OPTIONS": _REDIS_CACHE_OPTIONS,
        },
        # Login throttling: Redis, or this process's memory while Redis errors
        # (opsplatform.accounts.throttle_cache says why).
        "axes": {
            "BACKEND": "opsplatform.accounts.throttle_cache.FallbackCache",
            "LOCATION": "axes-shared",
        },
        # No tenant in the key, so every host counts the same failures.
        "axes-shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "ops") + ":axes",
            "OPTIONS": _REDIS_CACHE_OPTIONS,
        },
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env("CACHE_KEY_PREFIX", "ops")},
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("HUEY_NAME", "opsplatform"),
        "url": REDIS_URL,
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
        },
        "axes": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "axes"},
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "opsplatform",
        "filename": str(BASE_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

# How long a live push, or /healthz's probe of the layer, waits on the channel layer.
CHANNEL_LAYER_TIMEOUT_SECONDS = float(env("CHANNEL_LAYER_TIMEOUT_SECONDS", "2"))
# /healthz: each dependency's probe gives up after this long (and says "timeout").
HEALTHZ_CHECK_TIMEOUT_SECONDS = float(env("HEALTHZ_CHECK_TIMEOUT_SECONDS", "2"))
# The worker beats once a minute; older than this, /healthz calls it stale.
WORKER_HEARTBEAT_STALE_SECONDS = int(env("WORKER_HEARTBEAT_STALE_SECONDS", "180"))

AUTH_USER_MODEL = "tenants.User"
# The email backend first: it is the one that logs people in (and the one a
# session names); rules then answers the role questions.
# axes's standalone backend goes first: it only refuses a locked-out attempt and
# logs no one in, so sessions still name the email backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "opsplatform.auth.EmailBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# -- login throttling (django-axes; opsplatform.accounts.throttle says why the cache) --
AXES_HANDLER = "opsplatform.accounts.throttle.CacheHandler"
# Without Redis the counts live in one process's memory: right for one
# development server, wrong for several workers (production requires Redis).
AXES_CACHE = "axes"
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(env("LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_MAX_MINUTES = int(env("LOGIN_COOLOFF_MAX_MINUTES", str(24 * 60)))
AXES_COOLOFF_TIME = "opsplatform.accounts.throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = "opsplatform.accounts.throttle.lockout_parameters"
AXES_USERNAME_CALLABLE = "opsplatform.accounts.throttle.username_of"
AXES_LOCKOUT_CALLABLE = "opsplatform.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Retrying during a lockout does not move its end: the time we announce stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
# Behind a proxy, how many proxies append to X-Forwarded-For (0: the socket's REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "opsplatform.accounts.throttle.client_ip"

# -- two-factor (django-otp TOTP; docs/security-auth.md) --
OTP_TOTP_ISSUER = env("OTP_ISSUER", "Ops Platform")
# Platform staff cannot reach the landlord admin without a confirmed device.
TWO_FACTOR_REQUIRED_FOR_STAFF = env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", True)

# -- sessions: idle timeout and absolute lifetime (opsplatform.accounts.sessions) --
SESSION_IDLE_TIMEOUT_SECONDS = int(env("SESSION_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_LIFETIME_SECONDS = int(env("SESSION_ABSOLUTE_LIFETIME_SECONDS", str(12 * 3600)))
# The idle clock is written at most this often, so a busy page does not save the session each time.
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME_SECONDS
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", str(3 * 3600)))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "opsplatform" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# User files live in private storage: S3 when a bucket is configured, else MEDIA_ROOT,
# which no URL maps (docs/files.md). They are served only by the private-file view.
if env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": None,
            # Downloads are redirects to links signed for PRIVATE_FILES_URL_EXPIRY seconds.
            "querystring_auth": True,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
# nginx: an `internal` location that maps this prefix onto MEDIA_ROOT (X-Accel-Redirect).
PRIVATE_FILES_ACCEL_PREFIX = env("PRIVATE_FILES_ACCEL_PREFIX", "")
# How long a signed S3 download link lives.
PRIVATE_FILES_URL_EXPIRY = int(env("PRIVATE_FILES_URL_EXPIRY", "60"))
# Uploads: each private field has its own limit, counted while the upload streams;
# a file for any other form field gets FILE_UPLOAD_MAX_BYTES; a whole request body
# past REQUEST_BODY_MAX_BYTES is refused with 413 at the ASGI edge.
FILE_UPLOAD_HANDLERS = [
    "opsplatform.files.uploads.PrivateUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_BYTES = int(env("FILE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
REQUEST_BODY_MAX_BYTES = int(env("REQUEST_BODY_MAX_BYTES", str(60 * 1024 * 1024)))

# Email: console in development, Amazon SES through anymail when configured.
# Platform staff who hear about failures of periodic work (opsplatform.tenancy.sweeps).
ADMINS = env_list("ADMINS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Ops Platform <no-reply@opsplatform.localhost>")
if env("AWS_SES_REGION") or env("EMAIL_BACKEND") == "ses":
    EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    ANYMAIL = {"AMAZON_SES_CLIENT_PARAMS": {"region_name": env("AWS_SES_REGION", "eu-west-1")}}
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND_CLASS", "django.core.mail.backends.console.EmailBackend")

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")

# How long a signed invitation link stays valid, and a tenant-switch hand-off token.
INVITATION_MAX_AGE_DAYS = int(env("INVITATION_MAX_AGE_DAYS", "7"))
TENANT_HANDOFF_MAX_AGE_SECONDS = 60
TENANT_HOST_CACHE_SECONDS = int(env("TENANT_HOST_CACHE_SECONDS", "300"))
# The bell's and the sidebar's counts (opsplatform.counts): forgotten on every
# write that changes them; this bounds a count whose invalidation met a cache outage.
COUNT_CACHE_SECONDS = int(env("COUNT_CACHE_SECONDS", "120"))
# In front of the shared cache, per process: how stale another process's edit
# of a domain or a suspension may look here.
TENANT_HOST_PROCESS_CACHE_SECONDS = int(env("TENANT_HOST_PROCESS_CACHE_SECONDS", "5"))
# Employee documents (passport, visa, contract) warn this many days before they expire.
DOCUMENT_EXPIRY_WARNING_DAYS = int(env("DOCUMENT_EXPIRY_WARNING_DAYS", "30"))

# Content-Security-Policy (docs/security-web.md). Scripts: our files and
# nonce'd inline blocks only; 'unsafe-eval' because Alpine.js (unfold's
# widgets) evaluates its x-* attributes with Function(). Styles keep
# 'unsafe-inline': unfold writes style attributes and <style> blocks that a
# nonce cannot cover, and a style cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],  # 'self' covers the workspace websocket (ws/wss, same host)
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Off on purpose: opsplatform.admin.resources.escape_formula does it without losing text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

from opsplatform.settings.unfold import UNFOLD, UNFOLD_LANDLORD  # noqa: E402,F401

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


# -- billing (docs/billing.md) -----------------------------------------------
# Without STRIPE_SECRET_KEY (the default and the demo) platform staff assign plans
# by hand; everything else (limits, gating, read-only) works the same.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# Seconds a webhook's signed timestamp may be old before it is refused as stale.
STRIPE_WEBHOOK_TOLERANCE = int(env("STRIPE_WEBHOOK_TOLERANCE", "300"))
# The plan of a company with no subscription row ("" : everything is on).
BILLING_DEFAULT_PLAN = env("BILLING_DEFAULT_PLAN")
# A company that signs itself up starts a trial of this plan, without a card.
BILLING_TRIAL_PLAN = env("BILLING_TRIAL_PLAN", "growth")
BILLING_TRIAL_DAYS = int(env("BILLING_TRIAL_DAYS", "14"))
# Sub-domains a company cannot sign itself up with (tenants/signup/subdomains.py):
# the platform's own names, ones that look official, and ones kept for later.
RESERVED_SUBDOMAINS = frozenset(
    {
        *"www admin administrator api app apps mail email smtp imap pop static media assets".split(),
        *"cdn files billing pay payments signup sign-up signin login logout register".split(),
        *"account accounts auth sso oauth support help docs status root landlord platform".split(),
        *"staff system internal dashboard portal blog news test demo dev staging ops".split(),
        *"security abuse postmaster webmaster hostmaster noreply no-reply stripe ws".split(),
        *(name.lower() for name in env_list("EXTRA_RESERVED_SUBDOMAINS")),
    }
)
# Days a past-due company keeps writing before it becomes read-only.
BILLING_GRACE_DAYS = int(env("BILLING_GRACE_DAYS", "7"))
