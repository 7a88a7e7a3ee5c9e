"""Background jobs for admins: what failed for good, per queue (the counts are also in /healthz)."""

from flask_smorest import Blueprint

from crm.api.schemas.jobs import FailedJobsOut
from crm.auth import roles
from crm.extensions import queues

URL = "admin/jobs"
blp = Blueprint("admin_jobs", __name__, description="Background jobs (admins)")


@blp.get("")
@roles("admin")
@blp.response(200, FailedJobsOut)
def failed_jobs():
    """The jobs that failed after their retries, newest first, with the last line of their error."""
    return {"queues": queues.failed_jobs()}
