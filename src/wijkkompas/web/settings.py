"""Django settings, derived from :class:`wijkkompas.web.config.WebConfig` and nothing else.

Change behaviour through ``WIJKKOMPAS_*`` environment variables (see ``config.py``), not by
editing this file, so that development, CI and production run the same code.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from wijkkompas.web.config import load_config

CONFIG = load_config()

WEB_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
SECRET_KEY_FALLBACKS = CONFIG.secret_keys_old
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts

WIJKKOMPAS_ENV = CONFIG.ENV
WIJKKOMPAS_TRUSTED_PROXIES = CONFIG.trusted_proxies
"""Read per request by ``middleware.TrustedProxyMiddleware``; see ``config.py``."""
WIJKKOMPAS_CODE_KEYS = CONFIG.code_keys
"""Resident codes' hash keys, the current one first (``participation.services.codes``)."""
WIJKKOMPAS_STORE = CONFIG.store
"""Read per request by the views, so tests (and a running server) can point it elsewhere."""
WIJKKOMPAS_PDF_RENDERS = CONFIG.PDF_RENDERS
WIJKKOMPAS_LOCK_DIR = CONFIG.var_dir / "locks"
"""Lock files shared by every worker on this machine (the PDF render slots)."""

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wijkkompas.web.apps.monitor",
    "wijkkompas.web.apps.accounts",
    "wijkkompas.web.apps.plans",
    "wijkkompas.web.apps.participation",
    "wijkkompas.web.apps.datamanagement",
]

MIDDLEWARE = [
    "wijkkompas.web.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wijkkompas.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wijkkompas.web.middleware.DutchFirstLocaleMiddleware",
    "wijkkompas.web.api.middleware.ApiConventionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wijkkompas.web.apps.accounts.middleware.DemoSessionsEndMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wijkkompas.web.middleware.MissingStoreMiddleware",
]

ROOT_URLCONF = "wijkkompas.web.urls"
WSGI_APPLICATION = "wijkkompas.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wijkkompas.web.apps.accounts.context_processors.navigation",
            ],
            "builtins": ["wijkkompas.web.money"],
        },
    },
]

# Keep server connections open between requests; SQLite connections are cheap to reopen.
_server_database = not CONFIG.database_url.startswith("sqlite")
DATABASES = {
    "default": dj_database_url.parse(
        CONFIG.database_url,
        conn_max_age=600 if _server_database else 0,
        conn_health_checks=_server_database,
    )
}
if not _server_database:
    # One writer at a time, decided when a transaction starts, not half-way: a ballot and its
    # vote mark are then written whole or not at all, even with many workers (Django 5.1+).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: username and password, then a TOTP code for those who switched it on (django-otp).
# An OIDC/SAML login (e.g. mozilla-django-oidc for a gemeente's identity provider) would be one more
# entry in AUTHENTICATION_BACKENDS and a view that ends in accounts.views._complete_login.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "plans:list"
OTP_TOTP_ISSUER = "wijkkompas"
SESSION_COOKIE_AGE = 60 * 60 * 8
"""A working day: shared computers in community centres should not stay logged in for weeks."""

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first; English is a translation. The browser's Accept-Language is ignored on purpose
# (see middleware.DutchFirstLocaleMiddleware); the visitor switches with the button in the header.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# Static files: our own in web/static and each app's static/, the npm packages straight from node_modules
# under a vendor/ prefix, so nothing third-party is committed and nothing comes from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.static_root
MEDIA_ROOT = CONFIG.var_dir / "media"
"""Uploaded photos; served by the app's own views (with their permission rules), never directly."""
MEDIA_URL = "/media-niet-direct/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = CONFIG.PHOTO_MAX_PIXELS
"""Photos with more pixels are refused before decoding (``WIJKKOMPAS_PHOTO_MAX_PIXELS``)."""
WIJKKOMPAS_UPLOAD_MAX_BYTES = CONFIG.UPLOAD_MAX_MB * 1024 * 1024
"""The most one upload on the data page may be (``WIJKKOMPAS_UPLOAD_MAX_MB``)."""
WIJKKOMPAS_UPLOAD_DIR = CONFIG.var_dir / "uploads"
"""Private folder (0700) for files being imported from the browser, under generated names."""
_NPM = CONFIG.node_modules
STATICFILES_DIRS = [
    WEB_DIR / "static",
    ("vendor/leaflet", _NPM / "leaflet" / "dist"),
    ("vendor/utrecht", _NPM / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/tokens", _NPM / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist"),
    ("vendor/htmx", _NPM / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names only in production: they need `collectstatic` first, which
        # development and tests should not have to run.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if CONFIG.ENV == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# HTTPS as the proxy in front saw it: TrustedProxyMiddleware removes this header from every
# request that does not come from a proxy in WIJKKOMPAS_TRUSTED_PROXIES, so nobody else can set it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if CONFIG.ENV == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # HSTS: after one visit over HTTPS the browser refuses plain HTTP to this host for a year, so
    # a network in between cannot strip HTTPS from a login or code entry. Not for subdomains and
    # not preloaded: the gemeente's other sites under the same domain are not ours to decide for.
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_on_one_line": {"()": "wijkkompas.web.log_filters.ClientErrorsOnOneLine"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"wijkkompas": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
