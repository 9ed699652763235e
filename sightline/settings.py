"""Sightline settings: one module, read from the environment with safe local defaults.

Production is switched on with DJANGO_PRODUCTION=1, which requires a real secret key,
allowed hosts, secure cookies and two-factor sign-in for every member of staff.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SIGHTLINE_DATA_DIR", BASE_DIR.parent / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else "insecure-local-only-key")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("DJANGO_SECRET_KEY must be set to a long random value in production.")
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "ninja",  # the API docs' assets from the project's own static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "sightline.core",
    "sightline.accounts",
    "sightline.people",
    "sightline.chronology",
    "sightline.linkage",
    "sightline.frontdoor",
    "sightline.casework",
    "sightline.feeds",
    "sightline.risk",
    "sightline.sharing",
    "sightline.partnership",
    "sightline.learning",
    "sightline.insight",
    "sightline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sightline.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sightline.core.middleware.PersonalDataNotCachedMiddleware",
]

ROOT_URLCONF = "sightline.urls"
WSGI_APPLICATION = "sightline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sightline.core.context_processors.sightline",
            ],
        },
    }
]
FORM_RENDERER = "sightline.core.forms.GovukFormRenderer"

if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sightline.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets readers work while a writer commits; under WAL, synchronous=NORMAL syncs at
    # checkpoints rather than at every commit: a power cut may lose the last commits but never
    # corrupts the database (SQLite's documented guarantee), so it is safe for production.
    # SQLite's own page cache is 2 MB by default: a district's indexes do not fit, and every
    # insert then reads index pages back from the operating system. Give each connection
    # 64 MB of cache and let it map the file (read-only mapping; writes still go through WAL).
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),  # seconds a writer waits for another
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                "PRAGMA temp_store=MEMORY;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "sightline.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sign-in security
SIGN_IN_MAX_FAILURES = env_int("SIGN_IN_MAX_FAILURES", 5)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
# Failures from one client (any usernames) before that client is refused for the lockout time.
SIGN_IN_CLIENT_MAX_FAILURES = env_int("SIGN_IN_CLIENT_MAX_FAILURES", 20)
# Failures for one username from all clients together before the account itself is locked
# (lifted by the user's second factor or an administrator).
SIGN_IN_ACCOUNT_MAX_FAILURES = env_int("SIGN_IN_ACCOUNT_MAX_FAILURES", 50)
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=PRODUCTION)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sightline.core.views.csrf_failure"
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 24)
# How long an administrator's one-time link to set up two-factor sign-in stays usable.
TWO_FACTOR_ENROLMENT_HOURS = env_int("TWO_FACTOR_ENROLMENT_HOURS", 72)
# Sightline's own address, for links printed by commands and sent in e-mails.
# Background work (deliveries, notifications) runs in `sightline worker` beside the web server;
# queued in the database, so no broker is needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SIGHTLINE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The audit trail's hash chain is keyed (HMAC-SHA-256) with a secret held outside the database,
# so nobody who can only write to the database can rewrite an entry and its hashes. Production
# refuses to start without one (`check --deploy`). Entries up to AUDIT_CHAIN_UNKEYED_UNTIL (an
# id) were written before the key, with plain SHA-256. The chain's head is noted outside the
# database by `sightline audit anchor`, in AUDIT_ANCHOR_FILE, and checked by `audit verify`.
# How long a feed import waits for an unreachable database before it stops (it carries on
# where it was when the database answers again; sightline.core.outages).
DATABASE_WAIT_SECONDS = env_int("DATABASE_WAIT_SECONDS", 120)

AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "" if PRODUCTION else "demo-audit-chain-key")
if PRODUCTION and len(AUDIT_CHAIN_KEY) < 32:
    raise RuntimeError("AUDIT_CHAIN_KEY must be set to a long random value in production.")
AUDIT_CHAIN_UNKEYED_UNTIL = env_int("AUDIT_CHAIN_UNKEYED_UNTIL", 0)
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", str(DATA_DIR / "audit-anchors.log")))

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy on every response: scripts, styles, images and fonts from
# Sightline itself only (the one inline script, which marks the page as JavaScript-enabled,
# carries the request's nonce); no plug-ins, no framing, forms post only to Sightline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The client's address behind a TLS proxy: the header the proxy sets (e.g. X-Forwarded-For)
# and how many proxies of ours stand in front. Unset: the connection's own address.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

# Public concern form: abuse protection
CONCERN_RATE_LIMIT = env_int("CONCERN_RATE_LIMIT", 10)  # reports per client per window
CONCERN_RATE_WINDOW_SECONDS = env_int("CONCERN_RATE_WINDOW_SECONDS", 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

# LOCAL settings of the partnership (DOMAIN.md)
WORKING_DAY_START = os.environ.get("WORKING_DAY_START", "09:00")
WORKING_DAY_END = os.environ.get("WORKING_DAY_END", "17:00")
# Risk meetings (LOCAL): when the daily DRAM meets, and the adult female population that the
# MARAC quarterly return counts cases per 10,000 of (default: an estimate for Bradford District).
DRAM_MEETING_TIME = os.environ.get("DRAM_MEETING_TIME", "09:30")
SIGHTLINE_ADULT_WOMEN_POPULATION = env_int("SIGHTLINE_ADULT_WOMEN_POPULATION", 214_000)
INFORMATION_REQUEST_WORKING_HOURS = env_int("INFORMATION_REQUEST_WORKING_HOURS", 4)
CONTACT_DECISION_WORKING_DAYS = env_int("CONTACT_DECISION_WORKING_DAYS", 1)
# A contact that "needs to happen today" is decided within this many working hours; one about
# a child in immediate danger is due at once.
CONTACT_TODAY_WORKING_HOURS = env_int("CONTACT_TODAY_WORKING_HOURS", 2)
DFE_LA_CODE = os.environ.get("DFE_LA_CODE", "999")  # the LA's DfE code; 999 is the demo's
PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Northmoor Safeguarding Children Partnership")
# How a member of the public reaches the front door (shown when they have sent a report).
FRONT_DOOR_PHONE = os.environ.get("FRONT_DOOR_PHONE", "01632 960 000")
FRONT_DOOR_ADDRESS = os.environ.get(
    "FRONT_DOOR_ADDRESS",
    "Integrated Front Door, Northmoor Council, Town Hall, Market Street, Northmoor NM1 1AA",
)

# The shared cache holds rate limits and sign-in failure counts, so every process counts
# against the same budget: Redis when CACHE_URL names one, otherwise a table in the database
# (made by core's migration 0005).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sightline_cache",
    }
}
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sightline@sightline.invalid")

LANGUAGE_CODE = "en-gb"
# A date or time printed without a format reads as GOV.UK writes it ("12 May 2017"), never ISO.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR.parent / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
