"""Settings for Cổng phường xã Hà Nội, read from environment variables.

Out of the box (no variables set) the portal runs on a laptop: SQLite under var/, Celery
tasks run eagerly in-process, local-memory cache. PORTAL_ENV=production requires the
secrets and switches on the HTTPS hardening that `manage.py check --deploy` expects.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

PORTAL_ENV = env_str("PORTAL_ENV", "development")
if PORTAL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"PORTAL_ENV must be development or production, got {PORTAL_ENV!r}")
PRODUCTION = PORTAL_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
else:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "corsheaders",
    "portal",
    "portal.notifications",
    "portal.reports",
    "portal.two_factor",
    "portal.downloads",
    "wards",
    "procedures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers by itself: the API's answers carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "portal.api_middleware.ApiMiddleware",
    "portal.middleware.PrivacyHeadersMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware: /en/ URLs resolve only once English is active.
    "portal.middleware.LanguageFromPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside sessions, auth and messages: its page is rendered with the site's layout.
    "portal.middleware.MethodNotAllowedPageMiddleware",
    # After OTPMiddleware, whose request.user.is_verified() it reads.
    "portal.two_factor.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guessing passwords: after AXES_FAILURE_LIMIT wrong passwords for one account, or from one
# client, logins stop for an hour with a Vietnamese 429 page. Attempts are rows in the
# database, so the lock holds across every app server.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.client.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-step sign-in with a time-based code from an authenticator app (django-otp, TOTP).
# Any staff account may turn it on; with OTP_REQUIRED_FOR_ADMINS, site admins, anyone who can
# sign in to the admin and the catalogue editors must, before any /quan-tri/ or /can-bo/ page.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", PRODUCTION)
# After n wrong codes in a row, the next one is checked only factor * 2**(n-1) seconds later.
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_TOTP_THROTTLE_FACTOR", 1)
OTP_TOTP_ISSUER = "Cổng phường xã Hà Nội"
# django-otp's own admin pages (replaced by portal/two_factor/admin.py) would show no secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.page_cache.csrf_placeholder",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if PRODUCTION and env_str("DATABASE_URL") is None:
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # The limits' counters: shared by every app server, and never a 500 when Redis is down.
        "ratelimit": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": REDIS_URL},
        # Whole public pages (portal/page_cache.py), shared by every app server.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# Public pages for visitors without a session, shared by the app servers for about this long,
# renewed by any change to their unit or procedure and by a point opening or closing
# (portal/page_cache.py); the last copy of each is served when the database is down.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 120)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 86_400)
RATELIMIT_USE_CACHE = "ratelimit"
# The public API (portal/api.py): what one client may ask, and how long answers may be kept.
API_RATE_PER_IP = env_str("API_RATE_PER_IP", "600/m")
API_BATCH_RATE_PER_IP = env_str("API_BATCH_RATE_PER_IP", "30/m")
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300)
# How long the app servers keep an API answer they made (any change to the data ends it).
API_ANSWER_SECONDS = env_int("API_ANSWER_SECONDS", 60)
# Any web page may read the API (GET) and convert batches of addresses; no cookies are sent.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
RATELIMIT_FAIL_OPEN = True
# Reverse proxies whose X-Forwarded-For is believed (portal/client.py): addresses or
# networks, comma-separated, and `unix` for a proxy on a unix socket. Empty: none.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
RATELIMIT_IP_META_KEY = "portal.client.client_ip"

# Celery: without a broker, tasks run eagerly in the calling process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_IGNORE_RESULT = True
# A task's message is acknowledged only when the task ends, and given back to the queue when
# its worker dies; each worker takes one message at a time, so a killed worker strands one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Redis gives an unacknowledged message to another worker after this long: it must be longer
# than the longest task (the hard limit above), or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
# A request that commits a change must not hang when Redis is down: the outbox row is
# already committed and the sweeper dispatches it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The resident side is in Vietnamese at its own URLs and in English under /en/; the language
# comes from the URL only (portal/middleware.py). Staff pages, the admin and emails stay
# Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [
    # The English of the portal's own Vietnamese strings. First, so that `makemessages`
    # writes every string of the project here.
    BASE_DIR / "locale",
    # Vietnamese for the admin pages of packages that ship none (import-export, history, beat).
    BASE_DIR / "portal/locale_vendor",
]
# Dates dd/mm/yyyy and 24-hour times in English too (portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's target, needed in production only (see STORAGES below).
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles") if PRODUCTION else None)
# Production serves hashed, compressed files collected by `collectstatic`; on a laptop
# WhiteNoise serves straight from the source folders, so no collect step is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Email: the console on a laptop; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "portal.notifications.maildir.MaildirBackend",
)
# The embedded default writes each email as a file in this Maildir (new/ holds what was sent).
EMAIL_MAILDIR = env_str("EMAIL_MAILDIR", str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng phường xã Hà Nội <no-reply@localhost>")
# The address emails link back to (confirmation, unsubscribe and preferences links).
# Production must say it: emails with localhost links would reach residents otherwise.
SITE_URL = (
    env_required("SITE_URL") if PRODUCTION else env_str("SITE_URL", "http://localhost:8000")
).rstrip("/")

# Notifications (see portal/notifications).
NOTIFY_CONFIRM_DAYS = env_int("NOTIFY_CONFIRM_DAYS", 3)
NOTIFY_SWEEP_AFTER_SECONDS = env_int("NOTIFY_SWEEP_AFTER_SECONDS", 180)
NOTIFY_FAN_OUT_BATCH = env_int("NOTIFY_FAN_OUT_BATCH", 500)
NOTIFY_SEND_BATCH = env_int("NOTIFY_SEND_BATCH", 100)
NOTIFY_RATE_PER_IP = env_str("NOTIFY_RATE_PER_IP", "20/h")
NOTIFY_RATE_PER_ADDRESS = env_str("NOTIFY_RATE_PER_ADDRESS", "5/h")
RATELIMIT_VIEW = "portal.notifications.views.rate_limited"
# Residents' reports of wrong information, per client address.
REPORT_RATE_PER_IP = env_str("REPORT_RATE_PER_IP", "10/h")
# Password reset requests, per client and per address.
RESET_RATE_PER_IP = env_str("RESET_RATE_PER_IP", "10/h")
RESET_RATE_PER_ADDRESS = env_str("RESET_RATE_PER_ADDRESS", "3/h")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
DEFAULT_PROVINCE_CODE = "01"  # Thành phố Hà Nội

# The service points' source: the project's own copy (wards/data/README.md says where it
# comes from and how to refresh it); WARD_OFFICES_CSV loads another file of the same columns.
WARD_OFFICES_CSV = Path(
    env_str("WARD_OFFICES_CSV", str(BASE_DIR / "wards/data/ward-offices-2025-07-17.csv"))
)

# The open data files of /du-lieu/ (portal/downloads): written by the nightly job, served by
# nginx from here in production (a directory the workers and the proxy share) and by the app
# otherwise. Outside the repository's tracked files.
DOWNLOADS_ROOT = Path(env_str("DOWNLOADS_ROOT", str(VAR_DIR / "downloads")))

# bench/ measures a minimal JSON view beside real endpoints (the server's ceiling); the
# view exists only when a benchmark asks for it.
BENCH_CEILING = env_bool("BENCH_CEILING", False)

# Catalogue imports run in one transaction: any row error and nothing is saved.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
