"""Dalil settings, read from the environment (DALIL_* and DATABASE_URL).

DALIL_ENV=production switches on the deployment hardening that `manage.py check --deploy`
asks for; anything else is the development/demo mode that serves plain HTTP on loopback.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent  # src/dalil
REPO_DIR = BASE_DIR.parent.parent

ENV = os.environ.get("DALIL_ENV", "development")
PRODUCTION = ENV == "production"

DATA_DIR = Path(os.environ.get("DALIL_DATA_DIR", REPO_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

_INSECURE_DEV_KEY = "dalil-development-key-never-use-in-production-0123456789abcdefghijklmnop"
SECRET_KEY = os.environ.get("DALIL_SECRET_KEY", "" if PRODUCTION else _INSECURE_DEV_KEY)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError(
        "DALIL_SECRET_KEY must be set to at least 50 random characters in production"
    )

DEBUG = os.environ.get("DALIL_DEBUG", "0") == "1" and not PRODUCTION
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DALIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DALIL_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "template_partials",
    "dalil.core",
    "dalil.audit",
    "dalil.accounts",
    "dalil.access",
    "dalil.parties",
    "dalil.jobs",
    "dalil.search",
    "dalil.reports",
    "dalil.cases",
    "dalil.casework",
    "dalil.judicial",
    "dalil.detention",
    "dalil.scenes",  # before evidence: the demo's items are collected at its scenes
    "dalil.evidence",
    "dalil.labs",  # after evidence: a laboratory request names items of the register
    "dalil.api",
    "dalil.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so that static files are refused framing too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp writes Content-Security-Policy (CONTENT_SECURITY_POLICY below) unless a view set
    # its own (vault downloads: "sandbox; default-src 'none'"); outside WhiteNoise, so static too.
    "csp.middleware.CSPMiddleware",
    "dalil.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before the session policy, which leaves a message when it ends a session.
    "django.contrib.messages.middleware.MessageMiddleware",
    "dalil.accounts.middleware.SessionPolicyMiddleware",
    "dalil.accounts.middleware.UserLanguageMiddleware",
    "dalil.access.middleware.DeniedMiddleware",
]

ROOT_URLCONF = "dalil.config.urls"
WSGI_APPLICATION = "dalil.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dalil.ui.context.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default. It must not lose acknowledged commits (WAL + synchronous=FULL)
# and write transactions take the write lock at BEGIN (IMMEDIATE) so that two writers queue
# instead of failing half-way with "database is locked". See docs/adr/0003-databases.md.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA busy_timeout=30000;"
)
_default_sqlite = f"sqlite:///{DATA_DIR / 'dalil.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": SQLITE_PRAGMAS,
    }
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("DALIL_TEST_SQLITE", str(DATA_DIR / "test.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs: django-tasks with its database backend; `dalil serve` runs `db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["dalil.accounts.backends.UsernameBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("DALIL_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dalil.accounts.validators.LocalCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
OTP_TOTP_ISSUER = "Dalil"

# Failed sign-ins are counted per account AND client (docs/adr/0017-lockout.md): a growing wait
# after each failure, then a 15-minute lock after 5 failures within 15 minutes. The lock ends by
# itself and never touches open sessions; another client (the owner's) is not held up.
DALIL_LOCKOUT_FAILURES = 5
DALIL_LOCKOUT_WINDOW_SECONDS = 15 * 60
DALIL_LOCKOUT_SECONDS = 15 * 60
# The wait after the 1st, 2nd, 3rd and 4th failure (seconds); the 5th starts the lock above.
DALIL_SIGN_IN_DELAYS = (0, 0, 60, 5 * 60)
# Alerts to auditors: this many distinct accounts failing from one client within the window, or
# this many failures across all accounts and clients within the window.
DALIL_SIGN_IN_ALERT_ACCOUNTS = int(os.environ.get("DALIL_SIGN_IN_ALERT_ACCOUNTS", "10"))
DALIL_SIGN_IN_ALERT_FAILURES = int(os.environ.get("DALIL_SIGN_IN_ALERT_FAILURES", "100"))
# Behind N reverse proxies the client's address is the N-th from the right of X-Forwarded-For;
# 0 (the default) takes REMOTE_ADDR. Only ever kept as a keyed hash.
DALIL_TRUSTED_PROXIES = int(os.environ.get("DALIL_TRUSTED_PROXIES", "0"))
# One-time enrolment codes (first password and second factor): validity, and how many wrong codes
# one client may try within the window before it waits out the lock.
DALIL_ENROLMENT_HOURS = 24
DALIL_ENROLMENT_GUESSES = 10
DALIL_IDLE_TIMEOUT_SECONDS = 30 * 60
DALIL_ABSOLUTE_SESSION_SECONDS = 12 * 60 * 60
DALIL_BREAK_GLASS_MAX_SECONDS = 4 * 60 * 60
# Auditors are alerted when the same two people approve more than COUNT grants within MINUTES of
# their request, over 30 days (ADR 0014).
DALIL_QUICK_APPROVAL_MINUTES = int(os.environ.get("DALIL_QUICK_APPROVAL_MINUTES", "10"))
DALIL_QUICK_APPROVAL_COUNT = int(os.environ.get("DALIL_QUICK_APPROVAL_COUNT", "3"))
DALIL_CHECKPOINT_INTERVAL_SECONDS = 15 * 60
# A running job that has reported nothing for this long is taken as abandoned by its worker.
DALIL_JOB_STALE_MINUTES = int(os.environ.get("DALIL_JOB_STALE_MINUTES", "60"))
# PostgreSQL: the role the application serves as. When set, every `migrate` (run as the schema's
# owner) grants it what it needs except changing the append-only tables (dalil.audit.privileges).
DALIL_DB_APP_ROLE = os.environ.get("DALIL_DB_APP_ROLE", "")
# Detainee register (IN-6): how long before a legal limit the alerts go out, how often the worker
# looks, and the largest intake photo.
DALIL_DETENTION_ALERT_HOURS = float(os.environ.get("DALIL_DETENTION_ALERT_HOURS", "48"))
DALIL_DETENTION_ALERT_EVERY_SECONDS = 600
# Whether the criminal court's permission past six months applies to offences punishable by death
# (Art. 109(ب) read with 109(ج) is disputed; ADR 0011). Default: it applies. Either way a
# mandatory order is recorded; when it applies, its want goes to the legal adviser as a question.
DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION = os.environ.get(
    "DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION", "1"
).lower() not in ("0", "false", "no")
DALIL_DETENTION_PHOTO_MAX_BYTES = 10 * 1024**2
# Health (/health/ready, `dalil health`): the worker's heartbeat file and how old it may be (and
# whether a stale worker makes the instance "down"), the ages at which the last signed checkpoint
# and the last verified backup are reported as stale.
DALIL_WORKER_HEARTBEAT = os.environ.get("DALIL_WORKER_HEARTBEAT", "")
DALIL_HEALTH_REQUIRE_WORKER = os.environ.get("DALIL_HEALTH_REQUIRE_WORKER", "0") == "1"
DALIL_HEALTH_WORKER_MAX_SECONDS = float(os.environ.get("DALIL_HEALTH_WORKER_MAX_SECONDS", "300"))
DALIL_HEALTH_CHECKPOINT_MAX_HOURS = float(os.environ.get("DALIL_HEALTH_CHECKPOINT_MAX_HOURS", "24"))
DALIL_HEALTH_BACKUP_MAX_HOURS = float(os.environ.get("DALIL_HEALTH_BACKUP_MAX_HOURS", "26"))
DALIL_VAULT_MAX_BYTES = int(os.environ.get("DALIL_VAULT_MAX_BYTES", str(2 * 1024**3)))
DALIL_VAULT_DIR = Path(os.environ.get("DALIL_VAULT_DIR", DATA_DIR / "vault"))
DALIL_KEYS_DIR = Path(os.environ.get("DALIL_KEYS_DIR", DATA_DIR / "keys"))
# Every checkpoint is also appended here (default: beside the key); put it on other storage.
DALIL_CHECKPOINT_WITNESS = os.environ.get("DALIL_CHECKPOINT_WITNESS", "")
# Where users reach Dalil: the QR codes on printed documents link here (no trailing slash).
DALIL_BASE_URL = os.environ.get("DALIL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = DALIL_ABSOLUTE_SESSION_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "dalil.ui.views.csrf_failure"

# Uploads larger than this go to a temporary file instead of memory; the vault streams them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("ckb", "کوردی"), ("en", "English")]
LANGUAGES_BIDI = ["ar", "ckb", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Baghdad"  # shown to users; everything is stored in UTC
# Our own date/number formats per language (24-hour clock, unambiguous dates): src/dalil/ui/formats/.
FORMAT_MODULE_PATH = ["dalil.ui.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Hashed, compressed names need the manifest collectstatic writes (`dalil serve` runs it first):
# production only. In development the apps' own files are served as they are (WhiteNoise's
# finders), so `dalil runserver` works on a fresh checkout and shows a changed file at once.
if not PRODUCTION or os.environ.get("DALIL_PLAIN_STATIC") == "1":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# CO-10 air-gapped: everything comes from our own host; no inline script or style anywhere.
# `data:` images: Bootstrap's CSS draws its icons (select arrow, checkbox, navbar toggler) as data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("DALIL_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dalil.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DALIL_LOG_LEVEL", "WARNING")},
}

MESSAGE_TAGS = {40: "danger"}

# --- REST API (CO-8, docs/api.md) -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dalil.api.authentication.BearerTokenAuthentication",  # first: its challenge makes 401s
        "rest_framework.authentication.SessionAuthentication",  # the browsable docs; CSRF enforced
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["dalil.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "dalil.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "dalil.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dalil.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dalil API",
    "DESCRIPTION": "REST API of Dalil. Authenticate with `Authorization: Bearer <token>` (page “My API tokens”). "
    "Errors are RFC 9457 problem details (application/problem+json).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "dalil.cases.models.Case.Status",
        "TokenStatusEnum": ["active", "expired", "revoked"],
        "UnitKindEnum": "dalil.accounts.models.Unit.Kind",
        "JudicialRequestKindEnum": "dalil.judicial.models.JudicialRequest.Kind",
        "JudicialDeadlineKindEnum": "dalil.judicial.models.Deadline.Kind",
        "ReleaseBasisEnum": "dalil.detention.models.Detainee.ReleaseBasis",
        "ItemStateEnum": "dalil.evidence.models.Item.State",
        "LabRequestStateEnum": "dalil.labs.models.LabRequest.State",
        "LabRequestPriorityEnum": "dalil.labs.models.LabRequest.Priority",
        "TaskPriorityEnum": "dalil.casework.models.Task.Priority",
    },
    "DISABLE_ERRORS_AND_WARNINGS": False,
}
