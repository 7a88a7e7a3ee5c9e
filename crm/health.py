"""``GET /healthz``: database and queue status, 200 when both answer, 503 otherwise."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from crm.extensions import db, queues

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    database = _database_status()
    queue = queues.status()
    ok = database["ok"] and queue["ok"]
    body = {"status": "ok" if ok else "degraded", "database": database, "queue": queue}
    return jsonify(body), 200 if ok else 503


def _database_status():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down" for a health check
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "error": str(exc).splitlines()[0]}
    return {"ok": True, "backend": db.engine.dialect.name}
