"""Default settings. Override them in ``instance/config.py`` or with environment variables."""

import functools
import json
from datetime import timedelta

#: Settings that may come from the environment, with how to read them.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "SERVER_NAME": str,
    "TRUSTED_HOSTS": lambda value: [host.strip() for host in value.split(",") if host.strip()],
    "PREFERRED_URL_SCHEME": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "MAIL_USE_TLS": lambda value: value.lower() in ("1", "true", "yes"),
    "REMINDER_ESCALATION_DAYS": int,
    "RATELIMIT_STORAGE_URI": str,
    "JOIN_FAILURE_LIMIT": str,
    "LOGIN_FAILURE_LIMIT": str,
    "LOGIN_ACCOUNT_FAILURE_LIMIT": str,
    "LOGIN_ACCOUNT_ATTACK_LIMIT": str,
    "TWO_FACTOR_FAILURE_LIMIT": str,
    "REQUIRE_TWO_FACTOR_FOR_ADMINS": lambda value: value.lower() in ("1", "true", "yes"),
    "SESSION_COOKIE_SECURE": lambda value: value.lower() in ("1", "true", "yes"),
    "PROXY_COUNT": int,
    "MACHINE_TRANSLATION_URL": str,
    "MACHINE_TRANSLATION_API_KEY": str,
    "MACHINE_TRANSLATION_TIMEOUT": float,
}


class Defaults:
    # Language used when neither the person, the browser nor the territory says otherwise.
    DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    PROXY_COUNT = 0

    # The site's address (host and port, e.g. "toolkit.example.org"): every absolute link (join link and QR code,
    # return link, invitations, password resets) is built from it, never from a request's Host header. Without
    # it, only the host names in TRUSTED_HOSTS are served, by default this machine's own (see
    # toolkit.web.LOOPBACK_HOSTS); other Host headers get 400.
    SERVER_NAME = None
    TRUSTED_HOSTS = None
    # Scheme of links built outside a request (e-mails from commands); "https" in production.
    PREFERRED_URL_SCHEME = "http"

    # JSON columns (texts per language) keep Arabic, Chinese... as they are rather than as \\u escapes.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "json_serializer": functools.partial(json.dumps, ensure_ascii=False),
    }

    # A workshop day is long: forms stay valid for 24 hours, and a refused token keeps what was typed.
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    # Checked in toolkit.access.enforce_access so that form pages can keep what was typed on refusal.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_SSL_STRICT = True

    # Werkzeug's default (scrypt); tests use a cheaper method to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # The session cookie is sent only when it changes: a phone's poll answered while its form is being sent must
    # not write back the older cookie over the new one (and its "saved" message).
    SESSION_REFRESH_EACH_REQUEST = False

    # Largest request body accepted (forms only; uploads come with their own limits).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "toolkit@localhost"
    MAIL_USE_TLS = True
    MAIL_TIMEOUT = 10

    # send-reminders tells the territory's coordinators of an answer or a commitment this many days overdue.
    REMINDER_ESCALATION_DAYS = 30

    # Failed logins allowed per network address; per account from one address; and per account from every
    # address, past which only addresses that have not been failing may try (toolkit/accounts/throttling.py).
    # Counted in memory by default, in Redis when configured.
    LOGIN_FAILURE_LIMIT = "10 per 15 minutes"
    LOGIN_ACCOUNT_FAILURE_LIMIT = "5 per 15 minutes"
    LOGIN_ACCOUNT_ATTACK_LIMIT = "50 per hour"
    # Wrong authenticator or recovery codes allowed per account (the password was right: someone knows it).
    TWO_FACTOR_FAILURE_LIMIT = "5 per 5 minutes;20 per day"
    # Site administrators can change every territory: they log in with a second factor unless this is turned off.
    REQUIRE_TWO_FACTOR_FOR_ADMINS = True
    RATELIMIT_STORAGE_URI = "memory://"
    #: Draft previews of the council report one person may ask for (each is laid out while they wait).
    PREVIEW_LIMIT = "12 per minute"
    # Wrong workshop or return codes allowed per network address (a whole room may share one address; only
    # failures count, so a room of 60 joins at once).
    JOIN_FAILURE_LIMIT = "20 per minute;100 per hour"
    RATELIMIT_HEADERS_ENABLED = True

    # Machine translation (a LibreTranslate-compatible service): off while the address is empty. Drafts are asked
    # outside the page request and wait for this many seconds at most; a person reviews every draft.
    MACHINE_TRANSLATION_URL = ""
    MACHINE_TRANSLATION_API_KEY = ""
    MACHINE_TRANSLATION_TIMEOUT = 10.0
    # The service's names of languages that it calls differently from the toolkit.
    MACHINE_TRANSLATION_CODES = {"zh": "zh-Hans"}

    # Threads of each application process that run work outside the page requests (machine translation).
    BACKGROUND_WORKERS = 2

    # Extra Content-Security-Policy sources are never needed: everything is served from this site.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
