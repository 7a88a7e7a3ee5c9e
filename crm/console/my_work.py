"""The agent's own work on the desk: my cases, my inbox, my quota progress and my call list.

Each panel is a partial with its own URL (``/desk/panels/<name>``) that ``desk/my_work.html`` loads and
refreshes with htmx (on load, every minute and whenever a form on the page saved something). The inbox
also has a page of its own (``/inbox``). Everything read here goes through the services the API uses,
so a panel never shows more than the API would to the same person.
"""

from functools import wraps

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from crm.api.common import paginate
from crm.auth import current_staff
from crm.console.board_labels import ACTIVITY_KINDS
from crm.console.nav import menu_entry
from crm.console.views import console
from crm.core import clock
from crm.extensions import db
from crm.models import Case, CaseDeadline
from crm.services.activity import attainment, cadence
from crm.services.calls import callbacks
from crm.services.cases import notifications, workflow
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.deadlines import clock_status
from crm.services.customers.records import customer_view

PANEL_ROWS = 20
INBOX_PAGE = 50
# Cases past these states have no clock left to watch.
FINISHED = ("resolved", "closed")
CLOCK_NAMES = {
    "dispatch": _l("Dispatch"),
    "first_response": _l("First response"),
    "resolution": _l("Resolution"),
}
NOTICE_KINDS = {
    "case_reminder": _l("Case due soon"),
    "case_overdue": _l("Case overdue"),
    "case_branch_head": _l("Case overdue for a working day"),
    "case_handed_off": _l("Case handed to you"),
    "complaint_dispatch": _l("Complaint to dispatch"),
    "care_reminder": _l("Care reminder"),
    "complaint_recusal": _l("Complaint handed to you"),
    "disclosure_renewal": _l("Risk disclosure renewal"),
    "complaint_register_unsigned": _l("Complaint register to sign"),
    "survey_dissatisfied": _l("Dissatisfied survey"),
    "visit_check_flagged": _l("Visit check flagged"),
}


def signed_in(partial=False):
    """The view gets the signed-in staff member; a stranger is sent to sign in (a partial answers 401)."""

    def wrap(view):
        @wraps(view)
        def run(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                if partial:
                    abort(401)
                return redirect(url_for("console.login"))
            return view(staff, *args, **kwargs)

        return run

    return wrap


@console.app_template_global()
def case_url(case_id):
    """The console's case page when there is one, else the case in the API."""
    if "console.case" in current_app.view_functions:
        return url_for("console.case", case_id=case_id)
    return f"/api/v1/cases/{case_id}"


@console.app_template_global()
def local_offset():
    """The installation's UTC offset now (``+08:00``), for ``datetime-local`` inputs read as its wall clock."""
    offset = clock.local(clock.now()).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


# My cases ---------------------------------------------------------------------------------------


def my_cases(staff, at=None, limit=PANEL_ROWS):
    """``staff``'s open cases (owned or handled) with their next running clock, the soonest due first;
    cases with no running clock come last. Ordered in SQL so the most urgent are the ones kept."""
    at = at or clock.now()
    next_due = (
        select(func.min(CaseDeadline.due_at))
        .where(CaseDeadline.case_id == Case.id, CaseDeadline.met_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )
    stmt = (
        workflow.cases_query(staff)
        .where(or_(Case.owner_id == staff.id, Case.handler_id == staff.id), Case.status.not_in(FINISHED))
        .order_by(None)
        .order_by(next_due.is_(None), next_due, Case.id)
        .limit(limit)
    )
    calendar = installation_calendar(db.session)
    return [_case_row(case, calendar, at) for case in db.session.scalars(stmt).unique()]


def _case_row(case, calendar, at):
    running = [deadline for deadline in case.deadlines if deadline.met_at is None]
    if not running:
        return {"case": case, "clock": None, "due_at": None, "overdue": case.overdue, "left": None, "late": None}
    deadline = min(running, key=lambda d: d.due_at)
    status = clock_status(deadline, at)
    overdue = status["overdue"]
    return {
        "case": case,
        "clock": CLOCK_NAMES.get(deadline.clock, deadline.clock),
        "due_at": deadline.due_at,
        "overdue": overdue,
        # Time left counts working hours (the clocks run in them); lateness is plain elapsed time.
        "left": None if overdue else calendar.working_time_between(at, deadline.due_at),
        "late": at - deadline.due_at if overdue else None,
    }


@console.get("/desk/panels/cases")
@signed_in(partial=True)
def panel_cases(staff):
    return render_template("desk/panels/cases.html", rows=my_cases(staff))


# My inbox ---------------------------------------------------------------------------------------


def _notice_kind(kind):
    return NOTICE_KINDS.get(kind, kind.replace("_", " "))


@console.get("/desk/panels/inbox")
@signed_in(partial=True)
def panel_inbox(staff):
    notices = db.session.scalars(notifications.inbox_query(staff).limit(PANEL_ROWS)).all()
    unread = notifications.unread_count(db.session, staff)
    return render_template("desk/panels/inbox.html", notices=notices, unread=unread, kind_name=_notice_kind)


@console.get("/inbox")
@menu_entry(_l("Inbox"), roles=("agent", "supervisor", "admin"), order=15)
@signed_in()
def inbox(staff):
    args = {"page": max(request.args.get("page", 1, type=int), 1), "per_page": INBOX_PAGE}
    page = paginate(notifications.inbox_query(staff), args)
    unread = notifications.unread_count(db.session, staff)
    return render_template("desk/inbox.html", page=page, unread=unread, kind_name=_notice_kind)


# My quota progress ------------------------------------------------------------------------------


def quota_progress(staff, today):
    """Done and target per activity for today and for this week: the attainment rows of the person."""
    periods = []
    for period, label in (("day", _l("Today")), ("week", _l("This week"))):
        start, end = attainment.resolve_range(period, today)
        rows = attainment.attainment_for(db.session, staff, start, end, "manager", staff_id=staff.id)
        shown = [row for row in rows if row["target_period"] in (period, None) and (row["target"] or row["done"])]
        periods.append({"period": period, "label": label, "start": start, "end": end, "rows": shown})
    return periods


@console.get("/desk/panels/quotas")
@signed_in(partial=True)
def panel_quotas(staff):
    today = clock.local(clock.now()).date()
    return render_template(
        "desk/panels/quotas.html", periods=quota_progress(staff, today), activity_names=ACTIVITY_KINDS
    )


# My call list -----------------------------------------------------------------------------------


def my_call_list(staff, today, limit=PANEL_ROWS):
    """The customers ``staff`` manages who are overdue for a contact, most overdue first (the call list's
    rules; a supervisor's own customers, not the branch's)."""
    manager_id = staff.id if staff.role != "agent" else None
    stmt = cadence.call_list_query(db.session, staff, today, manager_id).limit(limit)
    return [
        {
            "customer": customer_view(customer, staff),
            **cadence.call_list_entry(customer, last_contact_at, cadence_days, today),
        }
        for customer, last_contact_at, cadence_days in db.session.execute(stmt)
    ]


@console.get("/desk/panels/call-list")
@signed_in(partial=True)
def panel_call_list(staff):
    today = clock.local(clock.now()).date()
    return render_template("desk/panels/call_list.html", entries=my_call_list(staff, today))


# My callbacks ----------------------------------------------------------------------------------


@console.get("/desk/panels/callbacks")
@signed_in(partial=True)
def panel_callbacks(staff):
    calls = db.session.scalars(callbacks.owed_callbacks_query(staff).limit(PANEL_ROWS)).all()
    return render_template("desk/panels/callbacks.html", calls=calls, now=clock.now())
