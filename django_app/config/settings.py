"""Settings: everything that varies between deployments comes from the environment."""

import hashlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# APP_ENV=production (the same variable in both apps) drops every local-only
# fallback: no SECRET_KEY or DEBUG on refuses to start, HTTPS settings default on.
APP_ENV = os.environ.get("APP_ENV", "development").strip().lower()
if APP_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"APP_ENV must be 'development' or 'production', got {APP_ENV!r}")
PRODUCTION = APP_ENV == "production"
DEBUG = env_bool("DEBUG")
# A fixed key is only acceptable for local use; deployments set SECRET_KEY.
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "" if PRODUCTION else "django-insecure-local-development-only"
)
if PRODUCTION and not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when APP_ENV=production.")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when APP_ENV=production.")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

CATALOGUE_BACKEND = os.environ.get("CATALOGUE_BACKEND", "sql")
if CATALOGUE_BACKEND != "sql":
    # The Django ORM targets relational databases only; MongoDB is the Flask app's job.
    raise RuntimeError(f"django_app supports CATALOGUE_BACKEND=sql only, got {CATALOGUE_BACKEND!r}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "corsheaders",
    # The Swagger UI dist that /api/docs loads, as static files (no CDN).
    "drf_spectacular_sidecar",
    "catalogue.apps.CatalogueConfig",
]

MIDDLEWARE = [
    "catalogue.middleware.RequestIdMiddleware",
    "catalogue.middleware.ServerTimingMiddleware",
    "catalogue.middleware.HeadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the short-circuiting middleware below, so redirects carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "catalogue.middleware.ContentSecurityPolicyMiddleware",
    # Static files in production mode too (DEBUG off): the stylesheet, the admin's assets.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "catalogue.middleware.GZipMiddleware",
    "catalogue.middleware.CanonicalPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Where Django's docs put LocaleMiddleware: after the session, before CommonMiddleware.
    # Django's own, narrowed to the pages and the admin (catalogue/i18n.py says why).
    "catalogue.i18n.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "catalogue.middleware.AllowedMethodsMiddleware",
]

# CORS for the API: browser front ends on these origins (comma-separated, exact
# scheme://host[:port]) may call it with a token. Empty, the default: the middleware is
# not installed and no answer carries a CORS header. The header values are CONTRACT.md's.
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")
    if origin.strip()
]
if CORS_ALLOWED_ORIGINS:
    # Outside every middleware that can answer early (WhiteNoise, the canonical-path
    # 308, Security's HTTPS redirect), so those answers carry the CORS headers too.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("catalogue.middleware.HeadMiddleware") + 1, "catalogue.cors.CorsMiddleware"
    )
# The pages and the admin use the session cookie: same-origin only. `//api/...` too: its
# 308 to the canonical path is an API answer (CONTRACT.md's canonical paths).
CORS_URLS_REGEX = r"^/+api/"
CORS_ALLOW_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
CORS_ALLOW_HEADERS = ("Accept", "Authorization", "Content-Type", "If-None-Match", "X-Request-ID")
CORS_EXPOSE_HEADERS = (
    "Allow",
    "ETag",
    "Last-Modified",
    "Location",
    "Retry-After",
    "WWW-Authenticate",
    "X-Request-ID",
)
# Chromium's ceiling: a longer time is cut to this there.
CORS_PREFLIGHT_MAX_AGE = 7200

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{REPO_DIR / 'var' / 'django.sqlite3'}",
        # One connection per worker, reused for 60 s, on SQLite too: opening SQLite and
        # running its PRAGMAs was most of a health check's time. Safe there: connections
        # are per thread, gunicorn opens them after the fork (no --preload), autocommit
        # holds no snapshot between requests, and writers still queue on BEGIN IMMEDIATE
        # under WAL, so concurrent requests lock as they did with one connection each.
        # No health checks: on PostgreSQL each is a round trip at the start of every
        # request; a dropped connection fails its one request, and Django closes a
        # connection that raised at the request's end (and every one after 60 s anyway).
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue (timeout) instead of failing to upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The cache holds security state every worker and instance must share (the login
# throttle's counters), so never a per-process backend: the database cache on the
# app's own database by default (its table is created wherever migrations run, see
# apps.py), Redis when REDIS_URL is set. The database cache shares across workers and
# instances on one PostgreSQL; on SQLite only across the workers of one host.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # Past MAX_ENTRIES the table is culled, live throttle slots included: far
            # more than the usernames a window of sign-ins can touch.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# The answers the API and pages keep (catalogue/caching.py), apart from the throttle's
# security state: a database cache read is itself a store query, and a warm read should
# make none. Redis when REDIS_URL is set (shared by every worker and instance); else files
# under var/, which every worker of this host shares (a per-process LocMemCache would
# leave the other workers stale after a write). Keys carry the database they describe,
# so servers and test runs on other databases never read each other's answers.
DATABASE_NAMED = repr([DATABASES["default"].get(k) for k in ("ENGINE", "HOST", "PORT", "NAME")])
VIEWS_CACHE_PREFIX = f"views-{hashlib.blake2b(DATABASE_NAMED.encode(), digest_size=6).hexdigest()}"
if REDIS_URL:
    CACHES["views"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": VIEWS_CACHE_PREFIX,
    }
else:
    CACHES["views"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": REPO_DIR / "var" / "cache" / "django-views",
        "KEY_PREFIX": VIEWS_CACHE_PREFIX,
    }

# Failed sign-ins per username and window before 429 (catalogue.throttling.LoginFailureThrottle),
# on the API and the sign-in page alike: "5/min", "10/h", ...
LOGIN_THROTTLE_RATE = os.environ.get("LOGIN_THROTTLE_RATE", "5/min")

# Readiness: while this file exists the instance is draining and GET /api/health
# answers 503, so a load balancer stops sending it traffic before it stops. The shared
# gunicorn config (deploy/gunicorn.conf.py) creates it on SIGTERM; a pre-stop hook may too.
DRAIN_FILE = os.environ.get("DRAIN_FILE", "")

# The pages and the admin in English or French: the language cookie the switcher sets
# (django.views.i18n.set_language at /language), else Accept-Language, else English.
# The API answers in English whatever the request asks for (the contract's messages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "French")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = REPO_DIR / "var" / "static" / "django"
# `collectstatic` into STATIC_ROOT is the deployment step; with the finders on,
# WhiteNoise also serves app static files straight from a fresh checkout.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on a missing one
WHITENOISE_AUTOREFRESH = DEBUG

# The pages: database-backed sessions (the cookie holds only the key of a
# django_session row), sign-in at /login, and an HTML page for CSRF failures.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 14 * 24 * 3600
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/catalogue"
CSRF_FAILURE_VIEW = "catalogue.pages.csrf_failure"

# The contract: no trailing slashes (a middleware answers 308), 1 MiB bodies.
APPEND_SLASH = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The pages and the admin load only this site's stylesheets, scripts and images: no
# inline script or style anywhere (tests/pages holds every target to this string).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# /api/docs (catalogue/docs.py): Swagger UI and its loader are files of this site too, but its
# stylesheet draws its icons as data: SVG images. An image cannot run script, so that page
# alone admits them; scripts and styles stay this site's files only.
API_DOCS_CONTENT_SECURITY_POLICY = f"{CONTENT_SECURITY_POLICY}; img-src 'self' data:"
# Cookies: the flags tests/reliability holds every target's session cookie to. The
# messages cookie takes the session's flags. No script reads the CSRF cookie (forms carry
# the token) or the language cookie, so they are HttpOnly too.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS (what `manage.py check --deploy` asks for): on by default in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if env_bool("TRUST_X_FORWARDED_PROTO"):
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

OPENAPI_SPEC_PATH = Path(
    os.environ.get("OPENAPI_SPEC_PATH", REPO_DIR / "shared_spec" / "openapi.yaml")
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["catalogue.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["catalogue.parsers.JSONObjectParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "catalogue.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "catalogue.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "catalogue.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "body",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# `manage.py test` writes JUnit XML as the notes set it up (unittest-xml-reporting), one file
# beside the pytest suites' (the Makefile's JUNIT_DIR); CI reads the totals from them.
TEST_RUNNER = "xmlrunner.extra.djangotestrunner.XMLTestRunner"
TEST_OUTPUT_DIR = os.environ.get("JUNIT_DIR", str(REPO_DIR / "var" / "junit"))
TEST_OUTPUT_FILE_NAME = "django-unit.xml"
