"""Settings, read from the environment.

The embedded default (nothing set) is SQLite, the in-memory channel layer and files under ``media/``.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to channels-redis, ``STORAGE_BACKEND=s3`` to
S3-compatible object storage. Production sets ``DEBUG=0``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import structlog
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TESTING", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphene_django",
    "django_htmx",
    "treebeard",
    "axes",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "inspections",
    "mobile_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Bearer tokens must be recognised before CSRF: a token, not a cookie, authenticates those requests.
    "mobile_api.auth.BearerTokenMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mobile_api.auth.BearerUserMiddleware",
    "backend.request_log.BindUserMiddleware",
    # Marks the request's audit rows with their surface (API, portal or admin; a command when no request).
    "inspections.web.audit.AuditSurfaceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the portal answers an htmx request with the part of the page it swaps.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mobile_api.auth.LockoutResponseMiddleware",
]

ROOT_URLCONF = "backend.urls"
# One sign-in page for every role (the portal's); the admin keeps its own for administrators.
LOGIN_URL = "portal-login"
LOGIN_REDIRECT_URL = "portal-home"
ASGI_APPLICATION = "backend.asgi.application"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
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

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
# Django's PostgreSQL connection pool (psycopg_pool), one per process: under ASGI each request runs in its own
# thread, so persistent connections (CONN_MAX_AGE > 0) pile up; the pool caps them and reuses them instead.
DB_POOL = env_bool("DB_POOL", True)
# Connections each process keeps open while idle (count).
DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", 2)
# Most connections one process opens (count): the server's max_connections must exceed the sum over processes.
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 8)
# How long a request waits for a free pooled connection before failing (seconds).
DB_POOL_TIMEOUT_SECONDS = env_int("DB_POOL_TIMEOUT_SECONDS", 10)
if DATABASE_URL:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    if DB_POOL and _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both at once
        # The pool checks each connection it hands out: one whose backend died (a server restart,
        # pg_terminate_backend) is replaced instead of failing the request.
        _database["CONN_HEALTH_CHECKS"] = True
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": DB_POOL_MIN_SIZE,
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": DB_POOL_TIMEOUT_SECONDS,
        }
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # WAL lets the task worker and the server share the file without "database is locked".
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels (WebSocket events) ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# Read timeout on a Redis socket (seconds). It must outlast channels-redis' 5 s blocking read (BZPOPMIN), or
# every idle subscription dies with "Timeout reading from ..." (redis-py's default is those same 5 s).
REDIS_SOCKET_TIMEOUT_SECONDS = env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 30)
# A pooled Redis connection idle this long is PINGed before use, so a restart is noticed before a command
# fails on a stale connection (seconds).
REDIS_HEALTH_CHECK_SECONDS = env_int("REDIS_HEALTH_CHECK_SECONDS", 10)


def redis_channel_layers(url: str) -> dict:
    """CHANNEL_LAYERS on the Redis at ``url``, with timeouts that keep idle subscriptions open."""
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    return {
        "default": {
            # channels-redis that tells consumers of a Redis outage and reconnects (see apikit.events).
            "BACKEND": "apikit.events.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": url,
                        "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
                        "socket_connect_timeout": 5,
                        "health_check_interval": REDIS_HEALTH_CHECK_SECONDS,
                        # A command on a broken connection is retried on a new one, 3 times, 50 ms to 1 s apart.
                        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "prefix": env("CHANNELS_PREFIX", "cchc"),
            },
        }
    }


if REDIS_URL:
    CHANNEL_LAYERS = redis_channel_layers(REDIS_URL)
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The rate limits' counters, shared by every process: Redis when configured, else the database
# (`manage.py createcachetable`); tests without Redis keep them in memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_PREFIX", "cchc"),
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cchc_cache"}}

# --- Background tasks (Django's Tasks API, django-tasks backport) ----------------------------------------
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task RUNNING for longer than this is taken to belong to a dead worker and is put back in the queue by the
# scheduler (seconds): longer than any task runs (a CCTV analysis takes about a second).
TASK_RECLAIM_AFTER_SECONDS = env_int("TASK_RECLAIM_AFTER_SECONDS", 900)
# Longest wait of the task worker and the scheduler between two attempts while the database is down (seconds).
TASK_WORKER_MAX_BACKOFF_SECONDS = env_int("TASK_WORKER_MAX_BACKOFF_SECONDS", 30)
# /healthz/system answers 503 when no worker beat for this long (seconds; a worker beats every poll, ~1 s),
HEALTH_WORKER_MAX_AGE_SECONDS = env_int("HEALTH_WORKER_MAX_AGE_SECONDS", 120)
# when the scheduler did not beat for this long (seconds; it beats once a round, SCHEDULER_INTERVAL_SECONDS),
HEALTH_SCHEDULER_MAX_AGE_SECONDS = env_int(
    "HEALTH_SCHEDULER_MAX_AGE_SECONDS", 2 * env_int("SCHEDULER_INTERVAL_SECONDS", 600) + 60
)
# or when the oldest task waiting to run has waited this long (seconds).
HEALTH_TASK_MAX_WAIT_SECONDS = env_int("HEALTH_TASK_MAX_WAIT_SECONDS", 300)

# --- Users, sign-in, lockout ----------------------------------------------------------------------------
AUTH_USER_MODEL = "inspections.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, giving its database connection back while it hashes the password.
    "mobile_api.services.ConnectionFreeModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins for one username, or from one address, before a lockout (count).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# How long a lockout lasts (minutes).
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Each parameter alone triggers a lockout: a username under attack, or an address trying many usernames.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

if TESTING:
    # Hashing cost is not what the tests check; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lifetime of a mobile device token (days) and how often its last-use time is written (seconds).
MOBILE_TOKEN_TTL_DAYS = env_int("MOBILE_TOKEN_TTL_DAYS", 30)
MOBILE_TOKEN_TOUCH_SECONDS = 60

# --- GraphQL --------------------------------------------------------------------------------------------
GRAPHENE = {
    "SCHEMA": "backend.schema.schema",
    # Largest page a connection returns (rows); the province board lists up to this many units at once.
    "RELAY_CONNECTION_MAX_LIMIT": 500,
    "RELAY_CONNECTION_ENFORCE_FIRST_OR_LAST": False,
}
# Abuse limits, checked before anything executes.
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 10)  # nesting levels of selection sets
GRAPHQL_MAX_FIELDS = env_int(
    "GRAPHQL_MAX_FIELDS", 300
)  # field selections, aliases included, fragments expanded
GRAPHQL_MAX_DOCUMENT_BYTES = env_int("GRAPHQL_MAX_DOCUMENT_BYTES", 20_000)  # size of the query text (bytes)
GRAPHQL_MAX_BATCH_OPERATIONS = env_int(
    "GRAPHQL_MAX_BATCH_OPERATIONS", 10
)  # operations in one batched request
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", DEBUG or TESTING)
GRAPHQL_GRAPHIQL = DEBUG
# "Did you mean …?" in validation errors names fields nobody asked for: only under DEBUG (on/off).
GRAPHQL_FIELD_SUGGESTIONS = env_bool("GRAPHQL_FIELD_SUGGESTIONS", DEBUG)
# Cost of one operation (points: 1 per object field, lists multiplied by their page size) and of one request
# (a batch sums its operations); over either is QUERY_TOO_COSTLY before any SQL runs.
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 5_000)
GRAPHQL_MAX_REQUEST_COST = env_int("GRAPHQL_MAX_REQUEST_COST", 10_000)
# Declared cost of the expensive root fields (points), for the work they do beyond their selection.
GRAPHQL_FIELD_COSTS = {
    "board": 200,
    "headScorecard": 100,
    "previewDraw": 200,
    "verifyDraw": 200,
    "planCoverage": 50,
    "assignmentBundle": 100,
}
# Page size assumed for a list whose size is not asked (rows) when costing it.
GRAPHQL_UNBOUNDED_LIST_COST = 50
# Largest first/last of a connection (rows); 0 or less is refused too (BAD_INPUT).
GRAPHQL_MAX_PAGE_SIZE = GRAPHENE["RELAY_CONNECTION_MAX_LIMIT"]
# Longest text in a variable or argument (characters), and the longest search text (characters).
GRAPHQL_MAX_TEXT_CHARS = env_int("GRAPHQL_MAX_TEXT_CHARS", 20_000)
GRAPHQL_MAX_SEARCH_CHARS = env_int("GRAPHQL_MAX_SEARCH_CHARS", 200)
# Deepest nesting of a JSON body or of variables (levels).
GRAPHQL_MAX_JSON_DEPTH = env_int("GRAPHQL_MAX_JSON_DEPTH", 32)
# Largest request body (bytes) other than a photo upload, refused from Content-Length before it is read.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2_621_440)
# Rate limits: cost points a user (or an anonymous address) may spend per minute, and sign-in attempts per
# minute from one address; over it is 429 RATE_LIMITED with Retry-After (seconds).
# The suite shares one address and one cache for thousands of requests: its limits are off unless a test
# sets them.
_RATE_OFF = 10**12 if TESTING else None
RATE_LIMIT_COST_PER_MINUTE = env_int("RATE_LIMIT_COST_PER_MINUTE", _RATE_OFF or 60_000)
RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE = env_int("RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE", _RATE_OFF or 5_000)
RATE_LIMIT_SIGN_INS_PER_MINUTE = env_int("RATE_LIMIT_SIGN_INS_PER_MINUTE", _RATE_OFF or 10)
# Root fields that sign in, counted against RATE_LIMIT_SIGN_INS_PER_MINUTE (GraphQL field names).
RATE_LIMIT_SIGN_IN_FIELDS = ("mobileLogin",)
# Addresses of the reverse proxies whose X-Forwarded-For is believed (comma-separated IPs).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# How long an automatic persisted query (Apollo APQ) is kept after it was last sent in full (seconds).
GRAPHQL_APQ_TTL_SECONDS = env_int("GRAPHQL_APQ_TTL_SECONDS", 7 * 24 * 3600)
# Documents kept parsed and validated per process, keyed by their text (count; an LRU of at most 20 KB each).
GRAPHQL_DOCUMENT_CACHE_SIZE = env_int("GRAPHQL_DOCUMENT_CACHE_SIZE", 500)
# Subscriptions open at once on one WebSocket (count).
GRAPHQL_WS_MAX_SUBSCRIPTIONS = env_int("GRAPHQL_WS_MAX_SUBSCRIPTIONS", 20)
# Subscriptions open at once by one user over all their WebSockets to one server process (count).
GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_USER = env_int("GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_USER", 50)

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# No public MEDIA_URL is routed: evidence is served only through permission-checked views.
MEDIA_URL = "/media-not-public/"
STORAGE_BACKEND = env("STORAGE_BACKEND", "local")


def s3_storage(
    bucket: str, endpoint_url: str | None, region: str | None, access_key: str, secret_key: str
) -> dict:
    """The default storage on S3-compatible object storage (django-storages): private objects, never overwritten
    (a name already taken gets another), read back through the permission-checked views only."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key,
            "secret_key": secret_key,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if STORAGE_BACKEND == "s3":
    _default_storage = s3_storage(
        env("S3_BUCKET"),
        env("S3_ENDPOINT_URL"),
        env("S3_REGION"),
        env("S3_ACCESS_KEY_ID"),
        env("S3_SECRET_ACCESS_KEY"),
    )
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440
)  # request body held in memory (bytes)

# --- Security (production hardening; relaxed only under DEBUG) ---------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TESTING) else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not (DEBUG or TESTING)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not (DEBUG or TESTING))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_REDIRECT_EXEMPT = [r"^healthz(/system)?$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# A CSRF refusal on /graphql/ and /api/* answers JSON (CSRF_FAILED); pages keep Django's HTML page.
CSRF_FAILURE_VIEW = "apikit.rest.csrf_failure"
# Paths that answer JSON errors (CSRF refusals included), never HTML.
API_PATH_PREFIXES = ("/graphql/", "/api/")
# mobile_api.auth.LockoutResponseMiddleware is django-axes' middleware (a subclass that lets the GraphQL
# endpoint answer LOCKED_OUT itself); axes' check looks for its exact dotted path.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cchc@localhost")

# --- Logging: one JSON object per line in production, readable lines under DEBUG ---------------------------
LOG_LEVEL = env("LOG_LEVEL", "WARNING" if TESTING else "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(ensure_ascii=False),
            "foreign_pre_chain": [
                structlog.contextvars.merge_contextvars,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.stdlib.add_logger_name,
                structlog.stdlib.add_log_level,
            ],
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": [
                structlog.contextvars.merge_contextvars,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.stdlib.add_logger_name,
                structlog.stdlib.add_log_level,
            ],
        },
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "console" if DEBUG else "json"),
        },
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django_structlog": {"level": env("REQUEST_LOG_LEVEL", "WARNING" if TESTING else "INFO")},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The task worker restarts django-tasks-db's loop each second and it says so each time: only problems.
        "django_tasks_db": {"level": "WARNING"},
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = None  # bound by backend.request_log only once the user was looked up

# --- Plans and the surprise draw --------------------------------------------------------------------------
# Lowest chance any eligible unit has of a surprise visit (probability), so nobody can be sure to be skipped.
DRAW_FLOOR_PROBABILITY = "0.10"
# Highest chance while there is a choice (probability), so nobody can be sure to be drawn.
DRAW_MAX_INCLUSION_PROBABILITY = "0.95"
# Risk weight cap, as a multiple of the base weight 1.
DRAW_MAX_WEIGHT = "4"
# What each risk signal adds to a unit's weight (per finding, overdue item, confirmed flag, complaint).
DRAW_RISK_FACTORS = {
    "critical_findings": "0.5",
    "major_findings": "0.25",
    "minor_findings": "0.1",
    "overdue_remediations": "0.5",
    "cctv_flags": "0.25",
    "citizen_complaints": "0.1",
}
# Visits one inspector makes in one day (count): caps the draw's dates and assignments.
VISITS_PER_INSPECTOR_PER_DAY = 2
# Inspectors a visit's team has in the proposal of assignments (people per visit).
INSPECTORS_PER_VISIT = 2
# Working days before a surprise visit's date from which its assigned inspectors see it (days).
SURPRISE_LEAD_WORKING_DAYS = 1

# --- CCTV analysis (inspections/cctv) -------------------------------------------------------------
# Each threshold is where the flag's score crosses one half; the analyser ramps its confidence around it.
# Mean grey level (0–255) under which a view in working hours is dark (lights off, lens capped).
CCTV_DARK_BRIGHTNESS = 40
# Share of the reference's textured cells (0–1) that lost their texture, from which a view is covered.
CCTV_COVERED_SHARE = 0.6
# Sharpness as a share of the reference's (ratio) under which a view is out of focus.
CCTV_BLURRED_SHARPNESS = 0.4
# Change between two snapshots (grey levels 0–255, 98th percentile over a thumbnail) under which they are the
# same picture.
CCTV_FROZEN_MAX_CHANGE = 2.0
# Misalignment with the reference (share of the frame width) from which the camera is displaced.
CCTV_DISPLACED_SHIFT = 0.03
# Foreground share of the staff zone (0–1) under which nobody is there and no detector runs.
CCTV_STAFF_MIN_FOREGROUND = 0.03
# Smallest foreground blob counted as a person in the citizen zone (share of that zone's area, 0–1).
CCTV_PERSON_MIN_AREA = 0.02
# People in the citizen zone (count) that make a queue.
CCTV_QUEUE_MIN_PEOPLE = 1
# The people detector that confirms every person counted (a name of inspections.cctv.detectors.DETECTORS:
# "haar", "hog" or "haar+hog"); all ship in the OpenCV wheel, nothing is downloaded.
CCTV_PERSON_DETECTOR = env("CCTV_PERSON_DETECTOR", "haar+hog")
# Whether faces in the staff zone are blurred too before a snapshot is stored (False: staff stay recognisable,
# for accountability; citizens' faces are always blurred).
CCTV_BLUR_STAFF_FACES = env_bool("CCTV_BLUR_STAFF_FACES", False)
# Days a snapshot is kept after its capture (days); snapshots confirmed into a finding are kept as evidence.
CCTV_RETENTION_DAYS = env_int("CCTV_RETENTION_DAYS", 30)

# Previous snapshots of a camera compared with a new one to tell a frozen picture (count).
CCTV_HISTORY = 5
# A snapshot's capture time may run ahead of the server's clock by at most this much (seconds).
CCTV_MAX_CLOCK_AHEAD_SECONDS = 300
# The checklist criterion a confirmed flag becomes a finding on (OSS-01: staff at the counter in working
# hours; OSS-10: counter cameras working and not covered), and the severity it gets unless the reviewer says.
CCTV_FLAG_CRITERIA = {
    "queue_unstaffed": "OSS-01",
    "dark": "OSS-10",
    "covered": "OSS-10",
    "blurred": "OSS-10",
    "frozen": "OSS-10",
    "displaced": "OSS-10",
}
CCTV_FLAG_SEVERITY = {
    "queue_unstaffed": "major",
    "dark": "minor",
    "covered": "major",
    "blurred": "minor",
    "frozen": "major",
    "displaced": "minor",
}
# Most serious first: the review queue's order, and the flag a snapshot is grouped under.
CCTV_FLAG_ORDER = ("queue_unstaffed", "covered", "displaced", "frozen", "dark", "blurred")
# Days of snapshots camera health looks back over (days).
CCTV_HEALTH_DAYS = 7

# --- Field inspection -----------------------------------------------------------------------------------
# Working days a unit has to fix a finding, by severity (days).
REMEDIATION_DEADLINE_WORKING_DAYS = {"critical": 5, "major": 15, "minor": 30}
# Difference between the phone's clock and the server's beyond which a check-in is flagged (seconds).
CHECK_IN_MAX_CLOCK_SKEW_SECONDS = 300
# Largest GPS accuracy radius accepted with a check-in (metres).
CHECK_IN_MAX_ACCURACY_M = 5_000
# The days around a visit's planned date on which it may be checked in (calendar days before and after it),
# counted on the local date of the check-in's moment on site (the phone's clock corrected by its offset).
CHECK_IN_WINDOW_DAYS_BEFORE = env_int("CHECK_IN_WINDOW_DAYS_BEFORE", 0)
CHECK_IN_WINDOW_DAYS_AFTER = env_int("CHECK_IN_WINDOW_DAYS_AFTER", 3)
# A check-in outside that window: "refuse" (OUTSIDE_VISIT_WINDOW) or "flag" (accepted, flagged outside_window).
CHECK_IN_OUTSIDE_WINDOW = env("CHECK_IN_OUTSIDE_WINDOW", "refuse")
# Most operations in one offline sync batch (count).
SYNC_BATCH_MAX_OPERATIONS = 500
# A label mixed into the field app's version (text, no unit): changing it makes every phone fetch the app
# again, as a change to any of its files does (the version is a digest of them and of this label).
FIELD_APP_RELEASE = env("FIELD_APP_RELEASE", "")
# The checklist a visit starts with when it has none (template code; the newest active version is used).
DEFAULT_CHECKLIST_TEMPLATE = "ONE_STOP_SHOP"

# --- Evidence photos ------------------------------------------------------------------------------------
# Largest photo accepted (bytes); a bigger upload is refused with FILE_TOO_LARGE before it is decoded.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# A finding's photo taken farther than this beyond its unit's geofence (metres past the radius, plus the
# phone's stated accuracy) is flagged far_from_unit for the reviewer, by its EXIF GPS or the phone's position.
EVIDENCE_MAX_DISTANCE_FROM_UNIT_M = env_int("EVIDENCE_MAX_DISTANCE_FROM_UNIT_M", 1_000)
# Largest photo accepted (pixels, width × height): more is refused as IMAGE_TOO_LARGE before decoding, which
# turns decompression bombs into a typed error. 60 MP admits every phone camera's full-resolution photo.
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", 60_000_000)
# Longest side of the thumbnail the phones and the board show (pixels), and its JPEG quality (1–95).
EVIDENCE_THUMBNAIL_SIZE = 480
EVIDENCE_THUMBNAIL_QUALITY = 80
# How long a browser or phone may keep a served photo (seconds). The bytes never change under a URL.
EVIDENCE_CACHE_SECONDS = 3600
# Largest multipart request (bytes): a photo and its form fields; refused with 413 before it is read.
UPLOAD_MAX_REQUEST_BYTES = EVIDENCE_MAX_BYTES + 64 * 1024

# --- Remediation ----------------------------------------------------------------------------------------
# Reminders go to the assignee and the head this many working days before the deadline (working days).
REMEDIATION_REMINDER_WORKING_DAYS = (3, 1)
# An overdue finding is escalated on its first overdue working day, then again every this many (working days).
REMEDIATION_ESCALATION_EVERY_WORKING_DAYS = 5
# How often the scheduler (`manage.py scheduler`, started by `make run`) queues the sweep (seconds).
SCHEDULER_INTERVAL_SECONDS = env_int("SCHEDULER_INTERVAL_SECONDS", 600)

# --- Compliance boards ------------------------------------------------------------------------------------
# Points a unit's score (out of 100) loses per finding of each severity, per overdue remediation, per repeat
# finding, per confirmed CCTV flag, and for a remediation on-time rate of 0 (scaled: half of it at 50%).
BOARD_SCORE_WEIGHTS = {
    "critical": 10,
    "major": 4,
    "minor": 1,
    "overdue": 5,
    "repeat": 3,
    "cctv": 2,
    "on_time": 10,
}
# Traffic lights: red under this score (or anything overdue), amber under the other (or not visited yet).
BOARD_RED_BELOW = 50
BOARD_AMBER_BELOW = 80
