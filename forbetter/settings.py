"""Django settings for ForBetter, read from the environment (twelve-factor).

Development defaults are safe and embedded (SQLite, a throwaway key, debug off unless ``DEBUG=1``) so
`make demo` works on a fresh machine. With ``FORBETTER_ENV=production`` the app refuses to start without
``SECRET_KEY`` (long and random) and ``ALLOWED_HOSTS``, or with ``DEBUG`` on, and its defaults pass
``manage.py check --deploy`` with no warnings (README "Running in production" lists every variable).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = os.environ.get("FORBETTER_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_flag(name: str, default: bool) -> bool:
    """A yes/no setting: 1, true, yes or on; 0, false, no or off; unset or empty means the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (or true or false), not {os.environ[name]!r}")


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more, not {number}")
    return number


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``"X-Forwarded-Proto: https"`` → ``("HTTP_X_FORWARDED_PROTO", "https")``; empty or "none" → None."""
    if value.strip().lower() in ("", "none"):
        return None
    name, colon, expected = value.partition(":")
    if not colon or not name.strip() or not expected.strip():
        raise ImproperlyConfigured(
            f'SECURE_PROXY_SSL_HEADER must look like "X-Forwarded-Proto: https" (or be "none"), not {value!r}'
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip()


# Django's own test (check --deploy, security.W009) for a key that is too guessable to sign sessions with.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5

if PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(f"FORBETTER_ENV=production needs {', '.join(missing)} in the environment")
    SECRET_KEY = os.environ["SECRET_KEY"]
    if (
        len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
        or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters; make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if _env_flag("DEBUG", False):
        raise ImproperlyConfigured("DEBUG must be off with FORBETTER_ENV=production: it shows internals")
    DEBUG = False
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
    # Behind a reverse proxy that ends TLS, the proxy tells the app the request came over HTTPS with this
    # header; the proxy must set it itself and drop any copy the browser sent.
    SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(
        os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    )
    SECURE_SSL_REDIRECT = _env_flag("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = _env_flag("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_flag("SECURE_HSTS_PRELOAD", True)
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-key-not-for-production-use")
    # Off unless asked for: with DEBUG on, an error or a mistyped address shows Django's technical page
    # (settings, code, every URL pattern); off, it shows our own error pages and the console gets the
    # traceback.
    DEBUG = _env_flag("DEBUG", False)
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Origins (scheme and host) other than this site's own that forms may be posted from, such as the public
# address when the proxy passes a different Host header.
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "forbetter.core",
    "forbetter.accounts",
    "forbetter.framework",
    "forbetter.partnerships",
    "forbetter.appraisal",
    "forbetter.risks",
    "forbetter.performance",
    "forbetter.payments",
    "forbetter.procurement",
    "forbetter.governance",
    "forbetter.survey",
    "forbetter.trust",
    "forbetter.capacity",
    "forbetter.keydates",
    "forbetter.changes",
    "forbetter.value",
    "forbetter.remedies",
    "forbetter.reviews",
    "forbetter.opendata",
    "forbetter.notices",
    "forbetter.reminders",
    "forbetter.imports",
    "forbetter.reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "forbetter.api",
    "forbetter.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "forbetter.core.exports.ExportMiddleware",
]

ROOT_URLCONF = "forbetter.urls"
WSGI_APPLICATION = "forbetter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forbetter.core.context_processors.service",
            ],
            "string_if_invalid": "",
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'forbetter.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# SQLite (the default and the demo's database) is shared by the web process and the background worker,
# which polls it every second. Write-ahead logging lets readers and one writer work at once; the busy timeout
# makes a second writer wait its turn instead of failing; IMMEDIATE transactions take the write lock when the
# transaction begins, so two transactions that read and then write cannot deadlock on upgrading their locks
# (a deadlock the busy timeout cannot break). Decision record 0011.
SQLITE_BUSY_TIMEOUT_SECONDS = 20
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
# PostgreSQL compiles a query to machine code (JIT) when the planner's cost estimate is high. The pages run
# short queries whose estimates can be high all the same: the statements pages' check for late failures
# (correlated subqueries over a partnership's returns) was estimated at 1.5 million, and compiling it took
# 1.8 s at the large demo's volume for a query that then ran in 25 ms. Connections turn JIT off.
POSTGRES_OPTIONS = {"options": "-c jit=off"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {**POSTGRES_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A Monte Carlo run's worker writes a heartbeat after each chunk of iterations; a running run whose heartbeat
# is older than this is taken to have lost its worker and is marked failed (decision record 0011).
SIMULATION_HEARTBEAT_LIMIT_SECONDS = int(os.environ.get("SIMULATION_HEARTBEAT_LIMIT_SECONDS", "120"))
# A board pack or portfolio summary still "running" this long after it started has lost its worker: the
# pages mark it failed (a pack takes seconds).
PACK_RUN_STALE_SECONDS = _env_int("PACK_RUN_STALE_SECONDS", 600)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "partnerships:portfolio"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes): five wrong passwords pause sign-in to that account from that address for
# 15 minutes from the last of them; trying again meanwhile neither works nor lengthens the pause. A cool-off
# of 0 minutes means the pause lasts until an administrator lifts it (`manage.py axes_reset_username EMAIL`).
# The page a paused person sees says which, and when (forbetter/accounts/throttling.py).
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("AXES_COOLOFF_MINUTES", 15)) or None
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "forbetter.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "forbetter.accounts.throttling.client_ip_address"
# How many reverse proxies stand in front of the app, each adding to X-Forwarded-For; throttling then counts
# failures against the address the outermost one saw rather than the nearest proxy's own address.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "forbetter.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
# In development static files are served from the apps (WhiteNoise finders); production collects them.
_static_root = os.environ.get("STATIC_ROOT") or (str(BASE_DIR / "staticfiles") if PRODUCTION else "")
STATIC_ROOT = Path(_static_root) if _static_root else None
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
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Background work (Monte Carlo runs, imports) goes through the database queue; `make worker` runs it.
# Tests switch to the immediate backend (tests/conftest.py).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Lists show this many rows a page.
PAGE_SIZE = 20
# An action is "due soon" when its due date falls within this many days.
DUE_SOON_DAYS = 14
# Evidence files a partner uploads with a KPI return may be at most this many bytes.
KPI_EVIDENCE_MAX_BYTES = int(os.environ.get("KPI_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))

# Contract changes: the shares of the original contract value the cumulative value of approved changes is
# reported against, as fractions (a partnership's change-control terms can set its own).
CHANGE_THRESHOLDS = ("0.10", "0.50")

# Open contracting data: every ocid is this prefix, a hyphen and the partnership's identifier. A council
# registers its own prefix with the Open Contracting Partnership; the default marks data as not published.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-fbtr00")

# Reminder emails (`manage.py send_reminders`): printed to the console unless EMAIL_BACKEND names a real
# backend (for example django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS); links in them start with SITE_URL.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ForBetter <reminders@forbetter.example>")
# The site's public address: links in reminder emails, and the ``uri`` of an open contracting data package
# built outside a web request (``forbetter ocds``; pages use the address they were asked on).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# Imports from spreadsheet templates (forbetter.imports): the largest file, the most data rows, and the most
# an XLSX archive may expand to (in all, and as a ratio for one large member) before it is refused unopened.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
IMPORT_MAX_EXPANDED_BYTES = int(os.environ.get("IMPORT_MAX_EXPANDED_BYTES", str(100 * 1024 * 1024)))
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "200"))
# The REST API (forbetter/api, docs/api.md, decision record 0037): personal access tokens (hashed) or the
# browser session (with CSRF on writes); JSON only; page-number pagination; services' validation errors as
# 400 with the field named.
API_PAGE_SIZE = _env_int("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = 200
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request with no credentials is told 401 with "WWW-Authenticate: Token".
        "forbetter.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "forbetter.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "forbetter.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ForBetter API",
    "DESCRIPTION": (
        "Partnerships, framework tasks, risks, KPIs and returns, payment statements and business cases, "
        "with the same permissions as the pages. Authenticate with a personal access token "
        "(Authorization: Token fb_...) made on the API tokens page. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is for signed-in people and API clients (a token or the session), like the endpoints.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator service: the page makes no request beyond this site.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    # Several records have a "status" (and risks two likelihoods and two impacts): one name for each set.
    "ENUM_NAME_OVERRIDES": {
        "PartnershipStatusEnum": "forbetter.partnerships.models.PartnershipStatus",
        "TaskStatusEnum": "forbetter.partnerships.models.TaskStatus",
        "RiskStatusEnum": "forbetter.risks.models.RiskStatus",
        "ReturnStatusEnum": "forbetter.performance.models.ReturnStatus",
        "StatementStatusEnum": "forbetter.payments.models.StatementStatus",
        "VersionStatusEnum": "forbetter.appraisal.models.VersionStatus",
        "LikelihoodEnum": "forbetter.risks.models.LIKELIHOOD_CHOICES",
        "ImpactEnum": "forbetter.risks.models.IMPACT_CHOICES",
    },
}
