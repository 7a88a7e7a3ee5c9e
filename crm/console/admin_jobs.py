"""Admin page for background jobs: the escalation ladder's health, the workers, and the jobs that failed
for good per queue, each with a button to run it again (``POST /api/v1/admin/jobs/<queue>/<id>/retry``)."""

from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db, queues
from crm.health import current_ladder_status


@console.get("/admin/jobs")
@admin_page
def admin_jobs():
    status = queues.status()
    return render_admin(
        "admin/jobs.html",
        ladder=current_ladder_status(db.session),
        status=status,
        failed=queues.failed_jobs() if status["ok"] else [],
    )
