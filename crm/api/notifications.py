"""The signed-in staff member's inbox: escalation notices, read and unread."""

from flask_smorest import Blueprint

from crm.api.common import paginate
from crm.api.schemas.notifications import InboxArgs, InboxPage, NotificationOut, ReadAllOut
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.cases import notifications

URL = "notifications"
blp = Blueprint("notifications", __name__, description="Each staff member's own notices (the inbox)")

EVERYONE = ("agent", "supervisor", "admin")


@blp.get("")
@roles(*EVERYONE)
@blp.arguments(InboxArgs, location="query")
@blp.response(200, InboxPage)
def inbox(args):
    """My notices, newest first; ``unread=true`` for the unread ones only."""
    staff = current_staff()
    page = paginate(notifications.inbox_query(staff, unread=args.get("unread")), args)
    return {**page, "unread_total": notifications.unread_count(db.session, staff)}


@blp.post("/<int:notification_id>/read")
@roles(*EVERYONE)
@blp.response(200, NotificationOut)
def read(notification_id):
    """Mark one of my notices read. Someone else's notice is not found (404)."""
    notice = notifications.mark_read(db.session, current_staff(), notification_id)
    db.session.commit()
    return notice


@blp.post("/read-all")
@roles(*EVERYONE)
@blp.response(200, ReadAllOut)
def read_all():
    """Mark all my unread notices read."""
    marked = notifications.mark_all_read(db.session, current_staff())
    db.session.commit()
    return {"marked": marked}
