"""Background jobs for admins: whether the escalation ladder moves (as /healthz judges it), the workers
registered, and what failed for good, per queue (the counts are also in /healthz)."""

from flask_smorest import Blueprint

from crm.api.schemas.jobs import FailedJobsOut
from crm.auth import roles
from crm.extensions import db, queues
from crm.health import current_ladder_status

URL = "admin/jobs"
blp = Blueprint("admin_jobs", __name__, description="Background jobs (admins)")


@blp.get("")
@roles("admin")
@blp.response(200, FailedJobsOut)
def failed_jobs():
    """The scheduler's heartbeat and the overdue steps, the workers, and the jobs that failed after their
    retries, newest first, with the last line of their error."""
    status = queues.status()
    return {
        "ladder": current_ladder_status(db.session),
        "workers": status.get("workers"),
        "queues": queues.failed_jobs() if status["ok"] else [],
    }
