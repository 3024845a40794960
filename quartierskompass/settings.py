"""The one settings module of Quartierskompass, configured by environment variables.

Every variable is documented in `.env.example`. Readers come from `quartierskompass.lib.env`
and stop the start with a clear message on a bad value.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from quartierskompass.lib import env as e

BASE_DIR = Path(__file__).resolve().parent
_CHECKOUT = BASE_DIR.parent if (BASE_DIR.parent / "pyproject.toml").exists() else None
_DEFAULT_DATA_DIR = (
    _CHECKOUT / "var" if _CHECKOUT else Path.home() / ".local" / "share" / "quartierskompass"
)

try:
    DATA_DIR = e.env_path("QK_DATA_DIR", _DEFAULT_DATA_DIR)
    DEBUG = e.env_bool("DEBUG", False)
    SECRET_KEY = e.env_str("SECRET_KEY") or e.read_or_create_secret(DATA_DIR / "secret_key")
    ALLOWED_HOSTS = e.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    CSRF_TRUSTED_ORIGINS = e.env_list("CSRF_TRUSTED_ORIGINS", [])
    _DATABASE_URL = e.env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'quartierskompass.sqlite3'}")
    _DB_CONN_MAX_AGE = e.env_int("QK_DB_CONN_MAX_AGE", 60, minimum=0)
    _SECURE = e.env_bool("QK_HTTPS", not DEBUG)
    QK_BEHIND_PROXY = _BEHIND_PROXY = e.env_bool("QK_BEHIND_PROXY", False)
    _HSTS_SECONDS = e.env_int("QK_HSTS_SECONDS", 31_536_000 if _SECURE else 0, minimum=0)
    _MAIL_BACKEND = e.env_choice("EMAIL_BACKEND", "console", ("console", "smtp", "file"))
    _MAIL_OPTIONS = {
        "host": e.env_str("EMAIL_HOST", "localhost"),
        "port": e.env_int("EMAIL_PORT", 25, minimum=1),
        "username": e.env_str("EMAIL_HOST_USER") or None,
        "password": e.env_str("EMAIL_HOST_PASSWORD") or None,
        "use_tls": e.env_bool("EMAIL_USE_TLS", False),
        "use_ssl": e.env_bool("EMAIL_USE_SSL", False),
        "timeout": 20,
    }
    DEFAULT_FROM_EMAIL = e.env_str("DEFAULT_FROM_EMAIL", "quartierskompass@localhost")
    SERVER_EMAIL = DEFAULT_FROM_EMAIL
    LOG_LEVEL = e.env_choice(
        "QK_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    )
    AXES_FAILURE_LIMIT = e.env_int("QK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
    _STATIC_MANIFEST = e.env_bool("QK_STATIC_MANIFEST", not DEBUG)
    QK_MAX_UPLOAD_MB = e.env_int("QK_MAX_UPLOAD_MB", 20, minimum=1)
    QK_PUBLIC_RATE_LIMIT = e.env_int("QK_PUBLIC_RATE_LIMIT", 120, minimum=1)
    QK_TILE_URL = e.env_str("QK_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    QK_TILE_ATTRIBUTION = e.env_str(
        "QK_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende',
    )
    _TILE_ORIGINS = e.url_origins(QK_TILE_URL)
except e.EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

if _MAIL_OPTIONS["use_tls"] and _MAIL_OPTIONS["use_ssl"]:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
MAILERS = {
    "default": {
        "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
        "file": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        },
        "smtp": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": _MAIL_OPTIONS,
        },
    }[_MAIL_BACKEND]
}

INSTALLED_APPS = [
    "quartierskompass.core",
    "quartierskompass.accounts",
    "quartierskompass.soni",
    "quartierskompass.areas",
    "quartierskompass.actors",
    "quartierskompass.activities",
    "quartierskompass.finder",
    "quartierskompass.planning",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quartierskompass.urls"
WSGI_APPLICATION = "quartierskompass.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartierskompass.core.context_processors.navigation",
            ],
        },
    },
]

# Our templates/django/forms/ override Django's form templates (labels without a colon).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": dj_database_url.parse(_DATABASE_URL, conn_max_age=_DB_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions and a busy
    # timeout turn "database is locked" under concurrent writes into a short wait.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out person may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if _BEHIND_PROXY else None

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
LANGUAGE_COOKIE_SECURE = _SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = _SECURE
SECURE_HSTS_SECONDS = _HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# Submitting a domain to the browsers' HSTS preload list is the operator's own decision.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# No inline scripts or styles anywhere: every script and stylesheet is a file of ours.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_TILE_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

QK_PROJECT_SESSION_KEY = "qk_current_project"
