"""Kefu: the application factory."""

from flask import Flask

from crm import extensions, sqlite
from crm.cli import register_cli
from crm.config import Config, refuse_insecure_defaults
from crm.core import clock, phones
from crm.services.calls import idempotency
from crm.services.cases.calendar import installation
from crm.services.customers import classification
from crm.services.org import credentials

# What the app mounts, besides sign-in, the console and /healthz: the API's resources (crm/api/<name>.py,
# under /api/v1) and the Twilio call flows (telephony/webhooks/<name>.py, under /twilio).
API_RESOURCES = (
    "admin_jobs",
    "assessments",
    "attainment",
    "branches",
    "calendar",
    "calls",
    "care",
    "cases",
    "complaint_register",
    "customers",
    "deadline_policies",
    "documents",
    "greetings",
    "marketing_words",
    "messages",
    "notifications",
    "phone_lines",
    "products",
    "qa",
    "quotas",
    "recommendations",
    "report_runs",
    "reports",
    "scripts",
    "sms_templates",
    "softphone",
    "spot_checks",
    "staff",
    "surveys",
    "tokens",
    "visits",
    "work_logs",
)
CALL_FLOWS = ("calls", "complaints", "greetings_record", "ivr", "messages", "outbound", "surveys")


def create_app(config=None):
    """Build the whole app from a ``Config`` (the environment's when none is given)."""
    # No static folder of its own: /static/ is the console's (its CSS, the npm assets under vendor/).
    app = Flask(__name__, instance_path=None, static_folder=None)
    app.config.from_object(config or Config())
    refuse_insecure_defaults(app.config)
    _configure_services(app.config)

    import crm.models  # noqa: F401  (every table registered before Alembic looks)

    extensions.db.init_app(app)
    with app.app_context():
        sqlite.configure(extensions.db.engine, app.config["SQLITE_BUSY_TIMEOUT"])
    extensions.migrate.init_app(app, extensions.db, directory=str(_migrations_dir()))
    extensions.api.init_app(app)
    extensions.queues.init_app(app)
    extensions.limiter.init_app(app)

    _register_blueprints(app)
    register_cli(app)
    if app.config["EMBEDDED_WORKER"] and not app.config["REDIS_URL"]:
        from workers.embedded import start_embedded

        start_embedded(app)
    return app


def _configure_services(config):
    """Hand the installation's settings to the services that are pure functions of them."""
    clock.set_timezone(config["TIMEZONE"])
    phones.set_default_region(config["PHONE_REGION"])
    classification.configure(config["ASSET_TIER_BOUNDS"], config["TURNOVER_THRESHOLD"], config["DORMANT_MONTHS"])
    installation.configure(config["CALENDAR_COUNTRY"], config["TIMEZONE"], config["BUSINESS_HOURS"])
    credentials.configure(config["SESSION_HOURS"], config["API_TOKEN_DAYS"])
    idempotency.configure(config["IDEMPOTENCY_RETENTION_DAYS"])


def _migrations_dir():
    from crm.config import ROOT

    return ROOT / "migrations"


def _register_blueprints(app):
    from crm.api import register_api
    from crm.api.errors import register_error_handlers
    from crm.auth import register_auth
    from crm.console import console
    from crm.headers import register_headers
    from crm.health import health
    from crm.i18n import register_i18n
    from telephony import register_telephony

    register_auth(app)
    register_i18n(app)
    register_headers(app)
    register_error_handlers(app)
    register_api(app, extensions.api, API_RESOURCES)
    app.register_blueprint(console)
    app.register_blueprint(health)
    register_telephony(app, CALL_FLOWS)
