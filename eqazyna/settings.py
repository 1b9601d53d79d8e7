"""Settings for the E-Qazyna portal.

Everything comes from environment variables (listed with their defaults in
``.env.example``). Development defaults are safe; ``EQAZYNA_ENV=production``
refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every
security setting that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


ENVIRONMENT = env("EQAZYNA_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("EQAZYNA_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when EQAZYNA_ENV=production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when EQAZYNA_ENV=production.")
    DEBUG = False
else:
    # A development-only key: production refuses to start without its own.
    SECRET_KEY = env("SECRET_KEY", "django-insecure-development-only-key-not-for-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = env_bool("DEBUG", True)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# The instruments a regional department may run programmes of (programmes.services.department_instruments).
PROGRAMME_DEPARTMENT_INSTRUMENTS = env_list("PROGRAMME_DEPARTMENT_INSTRUMENTS", "school_per_capita,dormitory_place,scholarship,grant")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_idempotency",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "core",
    "accounts",
    "integrations",
    "schools",
    "programmes",
    "checks",
    "contingent",
    "signatures",
    "orders",
    "acts",
    "payments",
    "oversight",
    "procurement",
    "notifications",
    "risk",
    "opendata",
    "portal",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionRefreshMiddleware",
    "core.uploads.UploadLimitMiddleware",
    "accounts.middleware.ReadOnlyRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.web.PortalCSPMiddleware",  # django-csp's, with CSP_CONNECT_SETTINGS
    "django_htmx.middleware.HtmxMiddleware",
    # A request that lost the database answers 503 with Retry-After (core/web.py).
    "core.web.DatabaseOutageMiddleware",
    # Replays or refuses an API write sent again with the same Idempotency-Key (core/idempotency.py).
    "core.idempotency.IdempotencyMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page (accounts/locked_out.html).
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # gunicorn serves the collected static files itself; in development runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "eqazyna.urls"
WSGI_APPLICATION = "eqazyna.wsgi.application"
ASGI_APPLICATION = "eqazyna.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database and Redis: external when the URL is set, embedded otherwise -------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    from eqazyna import embedded

    DATABASES = {"default": embedded.postgres_settings()}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["TEST"] = {"NAME": env("EQAZYNA_TEST_DB_NAME", "test_eqazyna")}

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHE_URL = REDIS_URL
    CELERY_BROKER_URL = REDIS_URL
else:
    from eqazyna import embedded

    _redis_db = int(env("EQAZYNA_REDIS_DB", "0"))
    _sock = embedded.redis_socket()
    CACHE_URL = f"unix://{_sock}?db={_redis_db}"
    CELERY_BROKER_URL = f"redis+socket://{_sock}?virtual_host={_redis_db}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "eqazyna",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a sign-in while its username and address are locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in, sessions and API tokens (accounts/) ------------------------------------
# Failed sign-ins (the page and POST /api/v1/auth/token/ alike) are counted per username and
# address; at the limit, that pair is locked out for the cool-off time (django-axes).
AXES_FAILURE_LIMIT = int(env("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.web.client_ip"
AXES_VERBOSE = False  # every failure is logged (with username and address) by accounts.receivers
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: the peer's address is the client's).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# A session ends after this many minutes without a request (a request starts the count again; to
# spare a database write per page view, at most once a minute: accounts.middleware.SessionRefreshMiddleware).
SESSION_IDLE_TIMEOUT_MINUTES = int(env("SESSION_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The serving process's garbage collector: freeze what is loaded, collect each request's cyclic garbage
# after its response (core.garbage; eqazyna.wsgi applies it). 0 leaves Python's defaults.
GC_TUNING = env_bool("GC_TUNING", True)
# API tokens (django-rest-knox): one per sign-in, stored hashed, expiring, revocable one by one.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Idempotency-Key of the API's writes (core/idempotency.py, drf-idempotency's database store): a
# completed answer is replayed for IDEMPOTENCY_TTL_HOURS; a claim in progress lapses after
# IDEMPOTENCY_LOCK_SECONDS (longer than any request may run: its process died).
IDEMPOTENCY = {"BACKEND": "drf_idempotency.backends.database.DatabaseBackend"}
IDEMPOTENCY_TTL_HOURS = int(env("IDEMPOTENCY_TTL_HOURS", "24"))
IDEMPOTENCY_LOCK_SECONDS = int(env("IDEMPOTENCY_LOCK_SECONDS", "120"))
# knox's own migrations would create its default token table (with a foreign key to the users)
# although accounts.ApiToken replaces it: without migrations, a swapped-out model gets no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(env("API_TOKEN_TTL_HOURS", "12"))),
    "TOKEN_LIMIT_PER_USER": int(env("API_TOKENS_PER_USER", "20")),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- Languages and formats ------------------------------------------------------
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["eqazyna.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
LANGUAGE_COOKIE_NAME = "eqazyna_language"

# --- Static files: Bootstrap and HTMX come from the npm registry (node_modules) --
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    BASE_DIR / "static",
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Single files of npm packages that ship more than a dist/ folder (the NCALayer client).
    "signatures.staticfiles.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads go to a temporary file, never into memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # a request body that is not a file (JSON, form fields)

# --- Uploaded files (core/uploads.py) and the tables read from them (core/tabular.py) -----------
# One size limit for every file uploaded through the pages or the API (a 600 k-row contingent CSV is ~50 MB).
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_MB", "64")) * 1024 * 1024
# An XLSX file is a zip: what its parts may inflate to, in all and against their compressed size
# (a "zip bomb" is refused from the zip's directory, before anything is inflated).
XLSX_MAX_INFLATED_BYTES = int(env("XLSX_MAX_INFLATED_MB", "400")) * 1024 * 1024
XLSX_MAX_COMPRESSION_RATIO = int(env("XLSX_MAX_COMPRESSION_RATIO", "100"))
# Rows and columns a table (CSV or XLSX) may have; the header row counts as a row.
TABLE_MAX_ROWS = int(env("TABLE_MAX_ROWS", "1000000"))
TABLE_MAX_COLUMNS = int(env("TABLE_MAX_COLUMNS", "50"))
# Uploaded imports up to this size are checked and applied within the request; larger ones by a
# Celery task, while the page and the API show their progress (a web worker is never held).
IMPORT_INLINE_MAX_BYTES = int(env("IMPORT_INLINE_MAX_KB", "256")) * 1024

# --- Outside registers: the licence register and the register of unreliable suppliers ----
# Their web services (``import_registry licences|rnu --http``); files need none of this.
LICENCE_REGISTER_URL = env("LICENCE_REGISTER_URL", "")
LICENCE_REGISTER_TOKEN = env("LICENCE_REGISTER_TOKEN", "")
RNU_REGISTER_URL = env("RNU_REGISTER_URL", "")
RNU_REGISTER_TOKEN = env("RNU_REGISTER_TOKEN", "")
# Through integrations/http.py: a deadline for each WHOLE request (connect, wait, read every byte).
REGISTER_HTTP_TIMEOUT = float(env("REGISTER_HTTP_TIMEOUT", "60"))  # seconds for each whole request
REGISTER_HTTP_RETRIES = int(env("REGISTER_HTTP_RETRIES", "3"))  # further attempts after a failure
REGISTER_HTTP_BACKOFF = float(env("REGISTER_HTTP_BACKOFF", "0.5"))  # first wait; doubles each retry
# Register files an operator uploaded, kept between the preview and the confirmation.
REGISTER_UPLOAD_DIR = MEDIA_ROOT / "register-uploads"

# --- Qualified electronic signatures (ЭЦП/ЭЦҚ) ----------------------------------------
# "confirm": a signature is the signed-in user's confirmation of the document hash (development,
# pilots); "cms": a CMS signature made with NCALayer, verified against SIGNATURE_TRUST_DIR.
SIGNATURE_MODE = env("SIGNATURE_MODE", "confirm")
if SIGNATURE_MODE not in {"confirm", "cms"}:
    raise ImproperlyConfigured("SIGNATURE_MODE must be 'confirm' or 'cms'.")
SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION = env_bool("SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION", False)
if PRODUCTION and SIGNATURE_MODE == "confirm" and not SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION:
    raise ImproperlyConfigured(
        "SIGNATURE_MODE=confirm is not a legal signature: production needs SIGNATURE_MODE=cms "
        "(or SIGNATURE_ALLOW_CONFIRM_IN_PRODUCTION=true for a pilot)."
    )
# The national CA's root and intermediate certificates (PEM or DER files).
SIGNATURE_TRUST_DIR = Path(env("SIGNATURE_TRUST_DIR", str(BASE_DIR / ".data" / "signature-trust")))
# Revocation check of the signer's certificate: "ocsp" (OCSP, the CRL when OCSP gives no answer), "crl" or "off".
SIGNATURE_REVOCATION = env("SIGNATURE_REVOCATION", "ocsp")
if SIGNATURE_REVOCATION not in {"ocsp", "crl", "off"}:
    raise ImproperlyConfigured("SIGNATURE_REVOCATION must be 'ocsp', 'crl' or 'off'.")
SIGNATURE_REVOCATION_TIMEOUT = float(env("SIGNATURE_REVOCATION_TIMEOUT", "10"))  # seconds per OCSP/CRL request
SIGNATURE_PAYLOAD_TTL = int(env("SIGNATURE_PAYLOAD_TTL", "900"))  # seconds a payload may be signed and posted
# BIN of the operator ("Financial Center" JSC) that operators' certificates must carry; empty = not checked.
SIGNATURE_OPERATOR_BIN = env("SIGNATURE_OPERATOR_BIN", "")
# Where the page script reaches NCALayer on the user's computer.
SIGNATURE_NCALAYER_URL = env("SIGNATURE_NCALAYER_URL", "wss://127.0.0.1:13579")

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then gets 401 with "WWW-Authenticate: Token".
        "accounts.auth.ApiTokenAuthentication",  # knox's, without reading every token of the user each call
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.PortalPermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.PortalFilterBackend",
        "core.api.filters.PortalOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Client address for rate limits: REMOTE_ADDR, or the address this many proxies in front of the
    # server put in X-Forwarded-For (never a header a client can forge).
    "NUM_PROXIES": int(env("NUM_PROXIES", "0")),
    # The open API's rate limit per client address (opendata.api): N/second|minute|hour|day.
    "DEFAULT_THROTTLE_RATES": {"open_data": env("OPEN_DATA_RATE", "120/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "E-Qazyna API",
    "DESCRIPTION": "State educational order portal: schools, contingent, orders, acts and payments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The open data API has its own schema (/api/open/v1/schema/, opendata.api.urls).
    "PREPROCESSING_HOOKS": ["opendata.api.schema.without_open_api"],
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from the PyPI package, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" (or "reason", "decision") with their own choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "ChangeSourceEnum": "schools.choices.ChangeSource",
        "SchoolStatusEnum": "schools.choices.SchoolStatus",
        "LicenceStatusEnum": "schools.choices.LicenceStatus",
        "FindingStatusEnum": "checks.choices.FindingStatus",
        "CheckRunStatusEnum": "checks.choices.CheckRunStatus",
        "SnapshotStatusEnum": "contingent.choices.SnapshotStatus",
        "ContingentImportStatusEnum": "contingent.choices.ImportStatus",
        "OrderStatusEnum": "orders.choices.OrderStatus",
        "ApplicationStatusEnum": "orders.choices.ApplicationStatus",
        "ContractStatusEnum": "orders.choices.ContractStatus",
        "ActStatusEnum": "acts.choices.ActStatus",
        "SubmissionOutcomeEnum": "acts.choices.SubmissionOutcome",
        "LineDecisionEnum": "acts.choices.LineDecision",
        "LineVerdictEnum": "acts.choices.LINE_VERDICT_CHOICES",
        "LineRejectReasonEnum": "acts.choices.LineRejectReason",
        "PaymentStatusEnum": "payments.choices.PaymentStatus",
        "BankConfirmationStatusEnum": "payments.choices.ConfirmationStatus",
        "RecoveryStatusEnum": "payments.choices.RecoveryStatus",
        "FinalReportStatusEnum": "payments.choices.ReportStatus",
        "CaseStatusEnum": "oversight.choices.CaseStatus",
        "ProgrammeStatusEnum": "programmes.choices.ProgrammeStatus",
        "InstrumentEnum": "programmes.choices.InstrumentCode",
        "BeneficiaryKindEnum": "programmes.choices.BeneficiaryKind",
        "BeneficiaryCategoryEnum": "programmes.choices.BeneficiaryCategory",
        "ProviderKindEnum": "schools.choices.ProviderKind",
        "SchoolChangeKindEnum": "schools.choices.ChangeKind",
        "RoleEnum": "core.roles.Role",
        "ProcurementContractStatusEnum": "procurement.choices.ContractStatus",
        "ProcurementUnitStatusEnum": "procurement.choices.UnitStatus",
        "ProcurementPenaltyStatusEnum": "procurement.choices.PenaltyStatus",
        "WarrantyClaimStatusEnum": "procurement.choices.ClaimStatus",
        "ProcurementFlagStatusEnum": "procurement.choices.FlagStatus",
        "ProcurementRejectReasonEnum": "procurement.choices.RejectReason",
        "WarrantyClaimResolutionEnum": "procurement.choices.ClaimResolution",
        "ProcurementFlagCodeEnum": "procurement.choices.FlagCode",
        "CheckRunTriggerEnum": "checks.choices.CheckRunTrigger",
        "RiskRunTriggerEnum": "risk.choices.RiskRunTrigger",
    },
}

# --- Celery -----------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "eqazyna")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"


def _crontab(expression: str):
    from celery.schedules import crontab

    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week)


# The nightly NOBD fetch → import → checks → notify (checks.tasks); cron syntax, Asia/Almaty.
NIGHTLY_CHECKS_CRONTAB = env("NIGHTLY_CHECKS_CRONTAB", "0 2 * * *")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # Tasks whose commit found the broker away (core/outbox.py) are sent once it is back.
    "outbox-relay": {"task": "core.tasks.outbox_relay", "schedule": float(env("OUTBOX_RELAY_SECONDS", "30"))},
    "nightly-nobd-checks": {"task": "checks.tasks.nightly_checks", "schedule": _crontab(NIGHTLY_CHECKS_CRONTAB)},
    "idempotency-cleanup": {"task": "core.tasks.idempotency_cleanup", "schedule": _crontab("30 3 * * *")},
    "audit-head": {"task": "core.tasks.publish_audit_head", "schedule": _crontab(env("AUDIT_HEAD_CRONTAB", "5 0 * * *"))},
}

# --- Audit chain: the published daily heads and their RFC 3161 timestamps ---------------------
# The timestamp authority (TSA) that seals each published head; unset = heads are published unsealed.
AUDIT_TSA_URL = env("AUDIT_TSA_URL", "")
# PEM certificate the TSA must sign with (recommended); unset = any certificate the token includes.
AUDIT_TSA_CERT = env("AUDIT_TSA_CERT", "")
AUDIT_TSA_TIMEOUT = float(env("AUDIT_TSA_TIMEOUT", "15"))

# --- NOBD (National Education Database) ---------------------------------------------
# Transport of the nightly snapshot: "file" (a CSV dropped at NOBD_FILE_PATH) or "http"
# (paginated JSON at NOBD_URL with a bearer token); see integrations/nobd/.
NOBD_TRANSPORT = env("NOBD_TRANSPORT", "file")
NOBD_FILE_PATH = env("NOBD_FILE_PATH", str(BASE_DIR / ".data" / "nobd" / "snapshot.csv"))
NOBD_URL = env("NOBD_URL", "")
NOBD_TOKEN = env("NOBD_TOKEN", "")
# Through integrations/http.py: a deadline for each WHOLE request (a page must arrive complete
# within NOBD_TIMEOUT seconds), retries of network errors, timeouts, 429 and 5xx, back-off
# NOBD_BACKOFF × 2ⁿ seconds (at most a minute) or the server's Retry-After.
NOBD_TIMEOUT = float(env("NOBD_TIMEOUT", "120"))
NOBD_RETRIES = int(env("NOBD_RETRIES", "5"))
NOBD_BACKOFF = float(env("NOBD_BACKOFF", "2"))
NOBD_PAGE_SIZE = int(env("NOBD_PAGE_SIZE", "50000"))
# Where fetched snapshots are assembled (pages are kept there until the import succeeds).
NOBD_DOWNLOAD_DIR = Path(env("NOBD_DOWNLOAD_DIR", str(BASE_DIR / ".data" / "nobd" / "downloads")))
# Snapshots whose rows are kept (the NOBD history stores rows by change, so a year of nightly snapshots
# costs little more than one); older ones keep only their metadata (date, source, SHA-256, rows).
NOBD_SNAPSHOT_KEEP = int(env("NOBD_SNAPSHOT_KEEP", "400"))
# Memory of the nightly comparison of a NOBD file with the history (nobd_import; set for that one
# statement only). Small on purpose: PostgreSQL then splits the parallel 4 M-row hash join into
# batches of a few MB instead of one shared 560 MB table, which measured 10-25 % faster
# (docs/operations.md, "Comparing a NOBD file with the history").
NOBD_COMPARE_WORK_MEM = env("NOBD_COMPARE_WORK_MEM", "8MB")
# A queued check run counts as in progress for this long without a sign of life (then a new one may start).
CHECK_RUN_STALE_MINUTES = int(env("CHECK_RUN_STALE_MINUTES", "30"))
# Seconds a worker waits for the check lock held by a run that is ending (or by a killed worker's session).
CHECK_RUN_LOCK_WAIT = float(env("CHECK_RUN_LOCK_WAIT", "120"))

# --- Procurement oversight (procurement/) ----------------------------------------------
# Red flags: an invoiced unit price above the contract's by more than this percentage (PR03); a
# contract's unit price above the national median of its item by more than this percentage, once
# the item has at least PROCUREMENT_MEDIAN_MIN_LINES contract lines (PR04); at least
# PROCUREMENT_BULK_MIN_UNITS units accepted by one person within PROCUREMENT_BULK_MINUTES (PR05).
PROCUREMENT_PRICE_OVER_CONTRACT_PCT = Decimal(env("PROCUREMENT_PRICE_OVER_CONTRACT_PCT", "0"))
PROCUREMENT_PRICE_OVER_MEDIAN_PCT = Decimal(env("PROCUREMENT_PRICE_OVER_MEDIAN_PCT", "20"))
PROCUREMENT_MEDIAN_MIN_LINES = int(env("PROCUREMENT_MEDIAN_MIN_LINES", "3"))
PROCUREMENT_BULK_MIN_UNITS = int(env("PROCUREMENT_BULK_MIN_UNITS", "20"))
PROCUREMENT_BULK_MINUTES = int(env("PROCUREMENT_BULK_MINUTES", "10"))
# Working days the supplier has to answer a warranty claim (Mon–Fri except public holidays).
PROCUREMENT_WARRANTY_RESPONSE_DAYS = int(env("PROCUREMENT_WARRANTY_RESPONSE_DAYS", "5"))
# When beat starts the nightly search for red flags (cron, Asia/Almaty).
PROCUREMENT_FLAGS_CRONTAB = env("PROCUREMENT_FLAGS_CRONTAB", "30 3 * * *")
# Notifications: deadline reminders every morning, the daily digest every evening, and an hourly
# sweep that tells the events recorded in bulk (cron, Asia/Almaty).
NOTIFICATIONS_REMINDERS_CRONTAB = env("NOTIFICATIONS_REMINDERS_CRONTAB", "0 7 * * *")
NOTIFICATIONS_DIGEST_CRONTAB = env("NOTIFICATIONS_DIGEST_CRONTAB", "0 18 * * *")
CELERY_BEAT_SCHEDULE["notification-deadline-reminders"] = {
    "task": "notifications.tasks.deadline_reminders", "schedule": _crontab(NOTIFICATIONS_REMINDERS_CRONTAB),
}
CELERY_BEAT_SCHEDULE["notification-daily-digest"] = {
    "task": "notifications.tasks.send_digests", "schedule": _crontab(NOTIFICATIONS_DIGEST_CRONTAB),
}
CELERY_BEAT_SCHEDULE["notification-sweep"] = {"task": "notifications.tasks.sweep_events", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["procurement-red-flags"] = {
    "task": "procurement.tasks.search_flags", "schedule": _crontab(PROCUREMENT_FLAGS_CRONTAB),
}

# --- Risk flags (risk/, CONTRACT "Risk flags") ----------------------------------------
# Thresholds, with the CONTRACT's defaults (each run records the values it used).
RISK_R01_MIN_ENROLMENTS = int(env("RISK_R01_MIN_ENROLMENTS", "4"))  # NOBD rows of one IIN in [1 Sept, D]
RISK_R02_MIN = int(env("RISK_R02_MIN", "3"))  # month-end enrolments of one school gone in the first 5 days
RISK_R03_GROWTH = int(env("RISK_R03_GROWTH", "30"))  # percent growth of the contingent within 30 days …
RISK_R03_MIN = int(env("RISK_R03_MIN", "20"))  # … and at least this many pupils
RISK_R04_DAYS = int(env("RISK_R04_DAYS", "30"))  # a payment approved less than this many days after an IBAN change


def _risk_weights(text: str) -> dict[str, str]:
    """``R01=1,R02=2.5,…`` → {code: weight as text}; every weight a non-negative number."""
    from decimal import Decimal, InvalidOperation

    weights = {}
    for item in (part.strip() for part in text.split(",") if part.strip()):
        code, _sep, value = item.partition("=")
        try:
            weight = Decimal(value.strip())
        except InvalidOperation:
            weight = Decimal(-1)
        if not _sep or not code.strip() or not weight.is_finite() or weight < 0:
            raise ImproperlyConfigured(f"RISK_WEIGHTS: '{item}' is not CODE=number (a number of at least 0).")
        weights[code.strip().upper()] = str(weight)
    return weights


# A school's risk score: its open flags, each weighted by code (a code left out weighs 1) …
RISK_WEIGHTS = _risk_weights(env("RISK_WEIGHTS", "R01=1,R02=2,R03=3,R04=5,R05=1"))
# … compared within its peers: the same region and size band (pupils active on D; band limits) …
RISK_SIZE_BANDS = sorted(int(limit) for limit in env_list("RISK_SIZE_BANDS", "100,300,1000"))
# … a school is ranked only among at least this many peers (itself included) …
RISK_MIN_PEERS = int(env("RISK_MIN_PEERS", "10"))
# … and an outlier when its score is above this quantile of its peers' scores.
RISK_OUTLIER_QUANTILE = float(env("RISK_OUTLIER_QUANTILE", "0.9"))
if not 0 < RISK_OUTLIER_QUANTILE < 1:
    raise ImproperlyConfigured("RISK_OUTLIER_QUANTILE must lie between 0 and 1.")

# --- E-mail -------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "E-Qazyna <noreply@e-qazyna.kz>")

# --- Open data (opendata app; docs/interfaces.md, "Open data") -------------------------
# OCDS ocid prefix: "ocds-" and the 6 characters the Open Contracting Partnership registers for a publisher.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", "ocds-eqazyn")
OPEN_DATA_PUBLISHER = env("OPEN_DATA_PUBLISHER", "E-Qazyna")
OPEN_DATA_LICENSE = env("OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
OPEN_DATA_POLICY_URL = env("OPEN_DATA_POLICY_URL", "")  # an absolute URL, or empty for none
# Where each publication writes its bulk files (CSV, XLSX, JSON).
OPEN_DATA_DIR = Path(env("OPEN_DATA_DIR", str(BASE_DIR / ".data" / "opendata")))
# The open API's rate limit is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["open_data"] (OPEN_DATA_RATE).
OPEN_DATA_MAX_AGE = int(env("OPEN_DATA_MAX_AGE", "300"))  # Cache-Control max-age of public answers, seconds
OPEN_DATA_CRONTAB = env("OPEN_DATA_CRONTAB", "30 5 * * *")  # a safety net: publication also follows each check run
CELERY_BEAT_SCHEDULE["open-data-publish"] = {
    "task": "opendata.tasks.publish_open_data", "schedule": _crontab(OPEN_DATA_CRONTAB), "args": ("nightly",),
}

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy (django-csp): scripts and styles only from the portal's own static files;
# no inline script, no inline event handler, no inline style anywhere (tests/core/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Settings holding an address the pages may also connect to (core.web.PortalCSPMiddleware).
CSP_CONNECT_SETTINGS = ["SIGNATURE_NCALAYER_URL"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# --- Monitoring cases (oversight) ------------------------------------------------------------------
# Working days a school or department has to answer a monitor's question (the monitor may set another).
OVERSIGHT_ANSWER_WORKING_DAYS = int(env("OVERSIGHT_ANSWER_WORKING_DAYS", "10"))
# Largest attachment of a case, in bytes.
OVERSIGHT_ATTACHMENT_MAX_BYTES = int(env("OVERSIGHT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Acceptance after inspection (acts) ---------------------------------------------------------------
# Lines drawn at random, weighted by risk, into the inspection sample of an act version, besides every
# line with an open finding (acts/inspection.py).
ACT_INSPECTION_SAMPLE_SIZE = int(env("ACT_INSPECTION_SAMPLE_SIZE", "10"))
