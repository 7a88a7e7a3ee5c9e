"""Work logs and weekly summaries (工作日志 · 周工作总结, DOMAIN §4): generated each working evening; the
manager adds remarks to their own, the branch's supervisor reviews them."""

from flask_smorest import Blueprint

from crm.api.common import page_schema, paginate
from crm.api.schemas.work_logs import RemarksIn, WorkLogBrief, WorkLogOut, WorkLogQuery, WorkLogReviewIn
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.activity import work_logs

URL = "work-logs"
blp = Blueprint("work_logs", __name__, description="Work logs and weekly summaries")

ANYONE = ("agent", "supervisor", "admin")


@blp.get("")
@roles(*ANYONE)
@blp.arguments(WorkLogQuery, location="query")
@blp.response(200, page_schema(WorkLogBrief, "WorkLogPage"))
def list_logs(args):
    """Logs newest first (without their item lists): agents their own, supervisors the branch's, admins all."""
    filters = {name: args.get(name) for name in ("staff_id", "kind", "start", "end", "reviewed")}
    return paginate(work_logs.logs_query(current_staff(), **filters), args)


@blp.get("/<int:log_id>")
@roles(*ANYONE)
@blp.response(200, WorkLogOut)
def get_log(log_id):
    return work_logs.get_log(db.session, current_staff(), log_id)


@blp.patch("/<int:log_id>")
@roles(*ANYONE)
@blp.arguments(RemarksIn)
@blp.response(200, WorkLogOut)
def set_remarks(data, log_id):
    """The manager's remarks on their own log (kept when the figures are regenerated)."""
    log = work_logs.set_remarks(db.session, current_staff(), log_id, data["remarks"])
    db.session.commit()
    return log


@blp.post("/<int:log_id>/review")
@roles("supervisor", "admin")
@blp.arguments(WorkLogReviewIn)
@blp.response(200, WorkLogOut)
def review_log(data, log_id):
    """Mark the log reviewed with a comment: the branch's supervisor or an admin, once (again: 409)."""
    log = work_logs.review(db.session, current_staff(), log_id, data["comment"])
    db.session.commit()
    return log
