"""Background jobs for admins: whether the escalation ladder moves (as /healthz judges it), the workers
registered, and what failed for good, per queue (the counts are also in /healthz); an admin puts a failed job
back on its queue once the cause is fixed."""

from flask_smorest import Blueprint

from crm.api.schemas.jobs import FailedJobsOut, RetriedJobOut
from crm.auth import roles
from crm.errors import NotFound
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


@blp.post("/<queue>/<job_id>/retry")
@roles("admin")
@blp.response(200, RetriedJobOut)
def retry_job(queue, job_id):
    """Run a job that failed for good once more: it leaves the failed list and is queued again (404 when
    that queue has no such failed job)."""
    job = queues.retry_failed(queue, job_id)
    if job is None:
        raise NotFound(f"No failed job {job_id} in the {queue} queue.")
    return {"queue": queue, "id": job.id, "status": job.get_status().value}
