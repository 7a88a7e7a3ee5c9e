"""Work logs to review: the branch's logs not yet reviewed, each marked reviewed with a comment.

Reviews go to ``POST /api/v1/work-logs/<id>/review`` (the branch's supervisor or an admin, once).
"""

from flask import render_template
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.extensions import db
from crm.models import WorkLog
from crm.services.activity import work_logs

SHOWN = 100


@console.get("/supervision/work-logs")
@menu_entry(_l("Work logs"), roles=("supervisor", "admin"), order=48)
@supervisors_only
def work_logs_to_review(staff):
    branch_id = chosen_branch_id(staff)
    stmt = work_logs.logs_query(staff, reviewed=False)
    if branch_id is not None:
        stmt = stmt.where(WorkLog.branch_id == branch_id)
    return render_template(
        "board/work_logs.html",
        logs=db.session.scalars(stmt.limit(SHOWN)).all(),
        branch_id=branch_id,
        branches=branches_for(staff),
        labels=board_labels,
    )
