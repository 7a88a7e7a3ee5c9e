"""``GET /healthz``: 200 when the database and the queue answer and the escalation ladder moves, else 503.

The ladder (``ladder_health``) moves when the scheduler's heartbeat, kept in the database, is recent and no
step is overdue beyond its limit (``HEARTBEAT_MAX_AGE``, ``OVERDUE_MAX_AGE``). ``reasons`` says what is wrong.
"""

from datetime import datetime

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from crm.core import clock
from crm.extensions import db, queues
from crm.services.cases.ladder_health import ladder_status

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    database = _database_status()
    queue = queues.status()
    body = {"database": database, "queue": queue}
    reasons = [f"{name} unreachable" for name, part in body.items() if not part["ok"]]
    if database["ok"]:
        ladder = current_ladder_status(db.session)
        body.update(scheduler=_iso(ladder["scheduler"]), overdue_steps=_iso(ladder["overdue_steps"]))
        reasons += ladder["problems"]
    body = {"status": "degraded" if reasons else "ok", "reasons": reasons, **body}
    return jsonify(body), 503 if reasons else 200


def current_ladder_status(session):
    """The ladder's status now, against the installation's limits."""
    config = current_app.config
    return ladder_status(session, clock.now(), config["HEARTBEAT_MAX_AGE"], config["OVERDUE_MAX_AGE"])


def _database_status():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down" for a health check
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "error": str(exc).splitlines()[0]}
    return {"ok": True, "backend": db.engine.dialect.name}


def _iso(part):
    """Instants as ISO 8601 (Flask would write them as HTTP dates)."""
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in part.items()}
