"""Settings read from the environment, with the embedded defaults.

This is the only module that reads ``os.environ``. Every value has a default that
makes ``scripts/run`` work on a fresh machine: SQLite under ``instance/``, fakeredis
for the queue, simulated telephony.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-insecure-change-me"
DEFAULT_TWILIO_AUTH_TOKEN = "kefu-simulated-auth-token"


class InsecureConfig(RuntimeError):
    """A built-in secret left in place where it would be a hole: on PostgreSQL or with real Twilio."""


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _env_int(name, default):
    return int(_env(name, default))


def _env_float(name, default):
    return float(_env(name, default))


def _env_list(name, default):
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


def _pool_sizes():
    """Connections each process keeps: by default one per web thread (the Procfile's ``WEB_THREADS``). With
    SQLAlchemy's default of 5 (+10 opened and closed again as needed), a busy web process of 32 threads
    opened and closed some 60 PostgreSQL connections a second and served a quarter fewer webhooks (issue 13)."""
    size = _env_int("KEFU_DB_POOL_SIZE", _env_int("WEB_THREADS", 32))
    return {"pool_size": size, "max_overflow": _env_int("KEFU_DB_MAX_OVERFLOW", 8)}


class Config:
    """Production and embedded settings; a test passes overrides to ``create_app``."""

    def __init__(self, **overrides):
        instance = Path(_env("KEFU_INSTANCE_DIR", ROOT / "instance"))
        self.INSTANCE_DIR = str(instance)
        self.SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{instance / 'kefu.db'}")
        # No pre-ping: it costs a round trip on every request (the screen pop's budget). Connections are
        # replaced after 5 minutes instead, before server or proxy idle timeouts close them; after a
        # database restart the first request of each process fails once and SQLAlchemy refreshes the pool.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 300}
        # Embedded SQLite: seconds a write waits for another writer (an import's batch) before the
        # request gets a 503 with Retry-After. Imports commit every KEFU_IMPORT_BATCH_SIZE rows.
        self.SQLITE_BUSY_TIMEOUT = _env_float("KEFU_SQLITE_BUSY_TIMEOUT", 10)
        self.IMPORT_BATCH_SIZE = _env_int("KEFU_IMPORT_BATCH_SIZE", 5000)
        # Processes a PostgreSQL import parses and writes its batches in (crm.services.customers.import_pool).
        self.IMPORT_WORKERS = _env_int("KEFU_IMPORT_WORKERS", 2)
        # Empty means embedded: fakeredis and an in-process worker.
        self.REDIS_URL = _env("REDIS_URL", "")
        # scripts/run sets it: the web process also runs the RQ worker and scheduler in threads.
        self.EMBEDDED_WORKER = _env("KEFU_EMBEDDED_WORKER", "0") == "1"
        # Reliability (issue 14), in seconds: how long a worker holds a complaint call-out it claimed before a
        # later run may take it again; and when /healthz answers 503: the scheduler's last heartbeat older
        # than HEARTBEAT_MAX_AGE, or an escalation step overdue (next_action_at passed, not taken) longer
        # than OVERDUE_MAX_AGE.
        self.CALLOUT_LEASE = _env_int("KEFU_CALLOUT_LEASE", 120)
        # Seconds a sender holds a customer SMS it claimed before a later run may send it instead (issue 10 §9).
        self.SMS_LEASE = _env_int("KEFU_SMS_LEASE", 120)
        # Survey calls placed a second at most: the Twilio account's calls-per-second limit (1 unless raised);
        # 0 places them as fast as they go.
        self.SURVEY_CALLS_PER_SECOND = max(0.0, _env_float("KEFU_SURVEY_CALLS_PER_SECOND", 1))
        self.HEARTBEAT_MAX_AGE = _env_int("KEFU_HEARTBEAT_MAX_AGE", 180)
        self.OVERDUE_MAX_AGE = _env_int("KEFU_OVERDUE_MAX_AGE", 300)
        # Days a webhook receipt (and any other idempotency record) is kept: a repeated delivery in that
        # time changes nothing; older ones are pruned nightly (issue 10 §11). At least 1.
        self.IDEMPOTENCY_RETENTION_DAYS = _env_int("KEFU_IDEMPOTENCY_RETENTION_DAYS", 30)
        self.TIMEZONE = _env("KEFU_TIMEZONE", "Asia/Shanghai")
        # Working days (DOMAIN §5): the holiday library's country, and business hours "HH:MM-HH:MM".
        self.CALENDAR_COUNTRY = _env("KEFU_CALENDAR_COUNTRY", "CN")
        self.BUSINESS_HOURS = _env("KEFU_BUSINESS_HOURS", "09:00-17:00")
        self.PHONE_REGION = _env("KEFU_PHONE_REGION", "CN")
        # Classification (DOMAIN §2): turnover threshold and asset-tier lower bounds in CNY.
        self.TURNOVER_THRESHOLD = _env_float("KEFU_TURNOVER_THRESHOLD", 3)
        self.ASSET_TIER_BOUNDS = [
            float(x) for x in _env_list("KEFU_ASSET_TIERS", "10000,100000,500000,1000000,5000000")
        ]
        self.DORMANT_MONTHS = _env_int("KEFU_DORMANT_MONTHS", 12)
        self.API_PAGE_SIZE_MAX = _env_int("KEFU_PAGE_SIZE_MAX", 200)
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "")
        # No account SID: simulated telephony. The local Twilio stand-in signs its webhook
        # requests with this token, exactly as Twilio signs with the account's auth token.
        self.TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN", DEFAULT_TWILIO_AUTH_TOKEN)
        # Browser softphone (Voice access tokens) and outbound caller ID; simulated defaults sign locally.
        self.TWILIO_API_KEY = _env("TWILIO_API_KEY", "SK" + "0" * 32)
        self.TWILIO_API_SECRET = _env("TWILIO_API_SECRET", "kefu-simulated-api-secret-change-me")
        self.TWILIO_TWIML_APP_SID = _env("TWILIO_TWIML_APP_SID", "AP" + "0" * 32)
        self.TWILIO_CALLER_ID = _env("TWILIO_CALLER_ID", "+862161234567")
        self.SOFTPHONE_TOKEN_TTL = _env_int("KEFU_SOFTPHONE_TOKEN_TTL", 3600)
        # E.164 prefixes the softphone may dial besides customers' numbers (mobile and landline numbers
        # only: premium-rate and other service numbers never); the default is mainland China.
        self.DIAL_ALLOWED_PREFIXES = _env_list("KEFU_DIAL_ALLOWED_PREFIXES", "+86")
        # Simulated mode: the Twilio stand-in's URL when another process serves it (RQ workers
        # beside a web process); empty means this process's own stand-in, reached without a socket.
        self.TWILIO_STANDIN_URL = _env("KEFU_TWILIO_BASE_URL", "")
        # Sign-in (DOMAIN §1): a console session ends on sign-out, deactivation or after this many
        # hours; an API token after this many days unless revoked first.
        self.SESSION_HOURS = _env_int("KEFU_SESSION_HOURS", 12)
        self.API_TOKEN_DAYS = _env_int("KEFU_API_TOKEN_DAYS", 30)
        # Failed sign-ins allowed per job number and per client address (Flask-Limiter syntax), kept
        # on the queue's Redis (in this process's memory when embedded).
        self.SIGNIN_LIMIT_PER_ACCOUNT = _env("KEFU_SIGNIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
        self.SIGNIN_LIMIT_PER_ADDRESS = _env("KEFU_SIGNIN_LIMIT_PER_ADDRESS", "50 per 15 minutes")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down: sign-in goes on unthrottled (the error is logged) rather than failing for everyone.
        self.RATELIMIT_SWALLOW_ERRORS = True
        # Largest request body accepted (413 beyond); recordings uploaded as greeting audio may be larger.
        self.MAX_CONTENT_LENGTH = _env_int("KEFU_MAX_BODY_BYTES", 1024 * 1024)
        self.MAX_UPLOAD_BYTES = _env_int("KEFU_MAX_UPLOAD_BYTES", 16 * 1024 * 1024)
        # The customer's dossier (issue 10): the folder documents are kept in (a volume every web process
        # shares in production), the largest document and the content types accepted (413 / 415 beyond).
        self.DOCUMENT_DIR = _env("KEFU_DOCUMENT_DIR", str(instance / "documents"))
        self.DOCUMENT_MAX_BYTES = _env_int("KEFU_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
        self.DOCUMENT_TYPES = _env_list("KEFU_DOCUMENT_TYPES", "application/pdf,image/jpeg,image/png")
        # Report runs (issue 11): the folder their files are kept in (a volume every web process and worker
        # shares in production); the lease: a queued or running run silent this many seconds lost its job
        # and is enqueued again by the sweep; the seconds a worker gives one report before killing it.
        self.REPORT_DIR = _env("KEFU_REPORT_DIR", str(instance / "reports"))
        self.REPORT_LEASE = _env_int("KEFU_REPORT_LEASE", 600)
        self.REPORT_JOB_TIMEOUT = _env_int("KEFU_REPORT_JOB_TIMEOUT", 1800)
        # Days after a signed risk disclosure when the customer's manager is reminded to disclose again.
        self.DISCLOSURE_RENEWAL_DAYS = _env_int("KEFU_DISCLOSURE_RENEWAL_DAYS", 365)
        # Call-quality report (DOMAIN §8): an answer within this many seconds of the first ring meets the
        # service level; an answered call is resolved at first contact when the same customer does not call
        # in again within FCR_WINDOW_DAYS (and its case is not reopened).
        self.SERVICE_LEVEL_SECONDS = _env_int("KEFU_SERVICE_LEVEL_SECONDS", 20)
        self.FCR_WINDOW_DAYS = _env_int("KEFU_FCR_WINDOW_DAYS", 7)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Flask-WTF: a console page stays open all shift, so its CSRF token lives as long as the sign-in
        # session (KEFU_SESSION_HOURS) rather than Flask-WTF's default hour.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"
        # flask-smorest / OpenAPI
        self.API_TITLE = "Kefu"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "docs"
        # Swagger UI's assets: the local copy of npm's swagger-ui-dist that scripts/run installs, so the
        # docs work offline; a URL (a CDN's) may replace it.
        self.OPENAPI_SWAGGER_UI_URL = _env("KEFU_SWAGGER_UI_URL", "/static/vendor/swagger-ui-dist/")
        # Every operation takes the bearer token (or the console's session cookie).
        self.API_SPEC_OPTIONS = {"security": [{"bearer": []}]}
        self.JSON_SORT_KEYS = False
        for key, value in overrides.items():
            setattr(self, key, value)
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):  # SQLite keeps SQLAlchemy's own pool
            self.SQLALCHEMY_ENGINE_OPTIONS = {**_pool_sizes(), **self.SQLALCHEMY_ENGINE_OPTIONS}

    @property
    def embedded_queue(self):
        return not self.REDIS_URL

    @property
    def RATELIMIT_STORAGE_URI(self):  # noqa: N802  (a Flask setting's name)
        return self.REDIS_URL or "memory://"


def refuse_insecure_defaults(config):
    """Raise ``InsecureConfig`` naming the setting to set when a built-in secret is still in use on
    PostgreSQL or with a real Twilio account; the embedded default (SQLite, simulated) needs none."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if not (uri.startswith("postgresql") or config["TWILIO_ACCOUNT_SID"]):
        return
    where = "a real Twilio account" if config["TWILIO_ACCOUNT_SID"] else "PostgreSQL"
    defaults = {"SECRET_KEY": DEFAULT_SECRET_KEY, "TWILIO_AUTH_TOKEN": DEFAULT_TWILIO_AUTH_TOKEN}
    for name, default in defaults.items():
        if config[name] == default:
            raise InsecureConfig(
                f"Kefu will not start on {where} with the built-in {name}: set {name} in the environment "
                "(for SECRET_KEY a long random value, e.g. python -c 'import secrets; print(secrets.token_hex(32))'; "
                "for TWILIO_AUTH_TOKEN the Twilio account's auth token, or any long random value when simulated)."
            )
