"""Django settings for Cercle, read from environment variables.

Embedded mode (the default) needs no variable at all: SQLite in WAL mode and
uploaded files live under ``CERCLE_DATA_DIR`` (``var/`` of a source checkout), the cache is in
process.  Scaled mode is chosen by setting ``DATABASE_URL`` (PostgreSQL) and
``REDIS_URL``.  Production hardening (HTTPS-only cookies, HSTS, redirect) is
switched on by ``CERCLE_HTTPS=1``; ``DEBUG`` is off unless ``CERCLE_DEBUG=1``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Lets admin and queryset classes be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir() -> Path:
    """Where the database, uploads and the generated secret key live.

    Never the working directory: a command run from inside ``cercle/`` once
    created ``cercle/var/secret_key`` and the key was committed.  A source
    checkout keeps its data in ``var/`` at its root (ignored by git); an
    installed package uses ``$XDG_DATA_HOME/cercle``.
    """
    if configured := os.environ.get("CERCLE_DATA_DIR"):
        return Path(configured).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / ".git").exists():
        return checkout / "var"
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(xdg) / "cercle").resolve()


DATA_DIR = _data_dir()


def _secret_key() -> str:
    """The SECRET_KEY: from the environment, else generated once and kept in DATA_DIR.

    A deployment sets its own ``CERCLE_SECRET_KEY`` (``SECRET_KEY`` is read too,
    for existing installations); the generated file is for the embedded demo.
    """
    if key := os.environ.get("CERCLE_SECRET_KEY") or os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("CERCLE_DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "cercle.core",
    "cercle.accounts",
    "cercle.communities",
    "cercle.follows",
    "cercle.posts",
    "cercle.documents",
    "cercle.projects",
    "cercle.search",
    "cercle.notifications",
    "django_tasks_db",
    "cercle.tasks",
    "cercle.feed",
    "cercle.realtime",
    "cercle.api",
    "cercle.demo",
    "cercle.ops",
]

MIDDLEWARE = [
    # First: its time and its request id cover everything below.
    "cercle.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above everything that writes the body: it compresses what they wrote.
    "cercle.core.middleware.CompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cercle.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cercle.core.middleware.UserLocaleMiddleware",
    # After the user and their language (its 413 page or JSON speaks it), before
    # anything reads the body.
    "cercle.core.middleware.NulPathMiddleware",
    "cercle.core.middleware.BodySizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cercle.core.middleware.LoginRequiredMiddleware",
    "cercle.core.middleware.DomainErrorsMiddleware",
]

# Form widgets from Django's own Jinja2 templates: the same markup, three times faster
# than its template language (a text input: 76 -> 26 µs).
FORM_RENDERER = "django.forms.renderers.Jinja2"

ROOT_URLCONF = "cercle.urls"
WSGI_APPLICATION = "cercle.wsgi.application"
ASGI_APPLICATION = "cercle.asgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        # Every page and fragment a person sees (``<app>/jinja2/``): see cercle/core/jinja.py.
        "BACKEND": "cercle.core.jinja.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "cercle.core.jinja.environment",
            # The apps' functions the templates call, beside the environment's own.
            "globals": {
                "post_cards": "cercle.posts.html.post_cards",
                "comment_reactions": "cercle.posts.html.comment_reactions",
                "client_token": "cercle.posts.html.client_token",
            },
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cercle.core.context_processors.shell",
            ],
        },
    },
    {
        # The admin, the form widgets and the e-mails.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'cercle.sqlite3'}",
        conn_max_age=int(os.environ.get("CERCLE_DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked (one round trip) before each request uses it.
        conn_health_checks=os.environ.get("CERCLE_DB_HEALTH_CHECKS", "on").lower()
        not in {"off", "0", "false", "no"},
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with write transactions queued by the system (see its docstring).
    DATABASES["default"]["ENGINE"] = "cercle.core.sqlite"
    # WAL lets readers run while one writer writes; IMMEDIATE transactions take
    # the write lock up front so concurrent writers queue instead of failing
    # with "database is locked" half-way through a transaction.
    # One connection per worker thread, kept: SQLite keeps its page cache with it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
        ),
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries, never for Cercle's
    # short ones: the feed's page query has a large *estimated* cost (the
    # planner cannot see that LIMIT stops the index walk after a page), which
    # crossed jit_above_cost and spent ~60 ms compiling a 2 ms query.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that does not answer (a restart, an unreachable host) costs a request
    # 3 s at most, then a clean 503 (cercle.core.views.server_error), never a hang.
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = int(
        os.environ.get("CERCLE_DB_CONNECT_TIMEOUT", "3")
    )
    # Server-side binding lets psycopg prepare a statement once it has run a few
    # times on a connection, so PostgreSQL stops re-planning the same feed and
    # card queries (planning was most of their time: 2-3 ms each).  Behind a
    # pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21), set CERCLE_DB_PREPARE_THRESHOLD=off.
    threshold = os.environ.get("CERCLE_DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        None if threshold.lower() in {"off", "none", ""} else int(threshold)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        # Django's Redis cache, going on without it while Redis is away (cercle/core/cache.py)
        {"BACKEND": "cercle.core.cache.TolerantRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Background tasks ---------------------------------------------------------

# The queue is a table of the database (``django_tasks_db``) in both modes: a task
# enqueued during a request is committed with it or not at all, and PostgreSQL's
# SKIP LOCKED serves many workers.  Embedded mode: ``cercle serve`` runs a worker in a
# thread; scaled mode: ``cercle worker`` processes.  Retries, tasks whose worker died
# and periodic tasks: cercle/tasks/retries.py and schedule.py; why not RQ: cercle/tasks/__init__.py.
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Attempts per task, seconds before the 2nd (×4 for each next), seconds a task may run
# before its worker is presumed dead and the task is put back in the queue.
CERCLE_TASK_RETRIES = {
    "MAX_ATTEMPTS": int(os.environ.get("CERCLE_TASK_MAX_ATTEMPTS", "5")),
    "BACKOFF": float(os.environ.get("CERCLE_TASK_BACKOFF", "10")),
    "LEASE": float(os.environ.get("CERCLE_TASK_LEASE", "300")),
}
# Enqueued once per interval (seconds), however many workers run.
CERCLE_PERIODIC_TASKS = {
    "cercle.notifications.delivery.send_digests": 15 * 60,
    "cercle.tasks.maintenance.prune_finished_tasks": 6 * 3600,
}

# Live updates (Server-Sent Events): "local" (in-process, one web process) or
# "redis" (pub/sub on REDIS_URL, so that N web processes see each other's events).
CERCLE_REALTIME = os.environ.get("CERCLE_REALTIME") or ("redis" if REDIS_URL else "local")

# --- Authentication -----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
# Sign-in throttling (cercle/accounts/throttle.py): free failures per (address, account)
# and per address; each further failure doubles the wait before the next attempt
# (1 s, 2 s, 4 s… at most the delay below).  Counts are forgotten after the window.
CERCLE_LOGIN_FREE_FAILURES_PER_PAIR = 5
CERCLE_LOGIN_FREE_FAILURES_PER_ADDRESS = 30
CERCLE_LOGIN_MAX_DELAY_SECONDS = 15 * 60
CERCLE_LOGIN_WINDOW_SECONDS = 15 * 60
# API rate limits (cercle/api/throttling.py): requests per person (session or any
# of their tokens) and per client address, "N/s", "N/min", "N/hour" or "N/day";
# "off" lifts one.  Past a limit the API answers 429 with Retry-After.  The web
# pages do not call the API, so these bound integrations, bots and the phone.
CERCLE_API_RATES: dict[str, str | None] = {
    scope: (None if value.strip().lower() in ("", "off", "none") else value.strip())
    for scope, value in (
        ("person", os.environ.get("CERCLE_API_RATE_PERSON", "600/min")),
        ("address", os.environ.get("CERCLE_API_RATE_ADDRESS", "3000/min")),
    )
}

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (8 MB of the API docs' bundles) are read by developer tools only:
# compressing them took most of `collectstatic`'s 35 s, i.e. of every start.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
)
# Pages name static files by their hashed names only; the plain copies doubled the work.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Scaled mode: files in an S3-compatible bucket, still served (and checked) by Cercle
# (cercle/core/storage.py says why).  The credentials may also come from the usual
# AWS variables or an instance role.
CERCLE_S3_BUCKET = os.environ.get("CERCLE_S3_BUCKET", "")
if CERCLE_S3_BUCKET:
    from botocore.config import Config as S3Config

    STORAGES["default"] = {
        "BACKEND": "cercle.core.storage.BucketStorage",
        "OPTIONS": {
            "bucket_name": CERCLE_S3_BUCKET,
            "endpoint_url": os.environ.get("CERCLE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CERCLE_S3_REGION") or None,
            "access_key": os.environ.get("CERCLE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("CERCLE_S3_SECRET_KEY") or None,
            "location": os.environ.get("CERCLE_S3_PREFIX", ""),
            "default_acl": None,  # the bucket's own (private); nothing is ever public
            "file_overwrite": False,  # two uploads of "photo.jpg" keep both
            "querystring_auth": False,  # no signed URLs: Cercle serves the files
            # A bucket that does not answer fails a request in seconds, not minutes.
            "client_config": S3Config(
                connect_timeout=2, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }
# Uploads above this are refused before they reach a service.
CERCLE_MAX_PHOTO_BYTES = 5 * 1024 * 1024
CERCLE_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# A library document (each version); answered 413 above.
CERCLE_MAX_DOCUMENT_BYTES = int(os.environ.get("CERCLE_MAX_DOCUMENT_BYTES", 50 * 1024 * 1024))
# Reading a document's text and picturing its pages (cercle.core.sandbox): a child
# process per version, stopped past SECONDS (wall clock) or MEMORY_MB of address space.
CERCLE_DOCUMENT_EXTRACTION = {
    "SECONDS": float(os.environ.get("CERCLE_EXTRACTION_SECONDS", "120")),
    "MEMORY_MB": int(os.environ.get("CERCLE_EXTRACTION_MEMORY_MB", "1024")),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # form fields; files are limited above
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------

# The environment variables keep Django's classic names; they fill MAILERS.
# Without EMAIL_HOST (embedded demo), e-mails are printed on the console.
if os.environ.get("EMAIL_HOST"):
    MAILERS: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "use_ssl": env_bool("EMAIL_USE_SSL"),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cercle <cercle@localhost>")
# How long a task's claim on an e-mail lasts (seconds): longer than one SMTP exchange, shorter
# than the task lease (CERCLE_TASK_LEASE), so that a dead worker's e-mails go out once, later.
CERCLE_EMAIL_CLAIM = float(os.environ.get("CERCLE_EMAIL_CLAIM", "60"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the links in e-mails lead (no request to build them from in a worker).
# Digests leave at this hour (TIME_ZONE): daily, or on Mondays for the weekly one.
CERCLE_DIGEST_HOUR = int(os.environ.get("CERCLE_DIGEST_HOUR", "7"))
CERCLE_SITE_URL = os.environ.get("CERCLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -----------------------------------------------------------------

HTTPS = env_bool("CERCLE_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only takes effect once the domain is submitted to the browsers list.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("CERCLE_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Load balancers and reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are
# believed (addresses or networks, comma-separated).  Empty: none, the connection's
# own address is the client's.  ``cercle serve`` applies it (granian's proxy
# headers), so REMOTE_ADDR and the scheme are already the client's in Django.
CERCLE_TRUSTED_PROXIES = env_list("CERCLE_TRUSTED_PROXIES", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware): scripts and styles from our
# origin only, no inline code (htmx runs without eval: `allowEval` is off), no
# plugins, never framed, forms only to us.  Images may be data: URIs (avatars'
# SVG placeholders) and blob: (a photo previewed before upload).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Logging ------------------------------------------------------------------

# "plain" (a line of text) or "json" (one JSON object per line, for log collectors).
CERCLE_LOG_FORMAT = os.environ.get("CERCLE_LOG_FORMAT", "plain")
ACCESS_LOG = env_bool("CERCLE_ACCESS_LOG", default=True)
if CERCLE_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("CERCLE_LOG_FORMAT must be 'plain' or 'json'.")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cercle.ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": CERCLE_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CERCLE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A line per task enqueued, started and finished is noise; failures and
        # retries are logged by the worker (cercle.tasks).
        "django.tasks": {"level": "WARNING"},
        # Failed and throttled sign-ins, revoked tokens: for the administrators.
        "cercle.security": {"level": "INFO"},
        # The access log: a line per request, with its id, route, status and time.
        "cercle.request": {
            "level": "INFO" if env_bool("CERCLE_ACCESS_LOG", default=True) else "WARNING"
        },
    },
}

# --- Operations -----------------------------------------------------------------

# Who may read /metrics: the bearer of this token; without one, this machine only.
CERCLE_METRICS_TOKEN = os.environ.get("CERCLE_METRICS_TOKEN", "")

# --- API ----------------------------------------------------------------------

NINJA_PAGINATION_PER_PAGE = 20
