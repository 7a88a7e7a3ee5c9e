"""Extension objects, created once here and bound to the app in the factory."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from crm.api.schemas.errors import ErrorOut
from crm.queueing import QueueHandle

# Named constraints so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(compare_type=True, render_as_batch=True)


class KefuApi(Api):
    """flask-smorest, documenting the error body we send (``crm.api.errors``) instead of its own."""

    ERROR_SCHEMA = ErrorOut


# flask-smorest; its HTTP error handler is replaced by ours (crm.api.errors.register_error_handlers).
api = KefuApi()
queues = QueueHandle()
# Sign-in throttling (crm.signin); its storage is the queue's Redis, or memory when embedded.
limiter = Limiter(key_func=get_remote_address)
WEBHOOKS = "twilio"  # the blueprint of Twilio's webhooks (telephony.blueprint)


@limiter.request_filter
def _webhook():
    """Only sign-in has limits, and Twilio's webhooks (the hot path, never a sign-in) are exempt from all:
    the limiter's per-request hook stops at this filter instead of resolving the webhook's limits."""
    return request.blueprint == WEBHOOKS
