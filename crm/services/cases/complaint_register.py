"""The daily complaint register (投诉登记台帐) — issue 10 item 4.

Per branch and calendar day (the installation's time zone): every complaint received that day with
its state, and the supervisor's sign-off (who, when, remark). ``remind_unsigned`` runs periodically:
on a working morning it tells the branch's supervisors on duty of the previous working day's
register when it lists complaints and nobody has signed it. Each notice has a dedupe key, so runs
repeated, retried or lost change nothing: the database says what is still unsigned.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from crm.core.clock import now
from crm.errors import Conflict, Forbidden, InvalidInput
from crm.models import Branch, Case, ComplaintRegisterSignoff, Notification
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.notifications import notify
from crm.services.org.duty import Roster
from crm.services.org.organisation import branch_by_id

NOTICE_KIND = "complaint_register_unsigned"
# How far back the morning reminder looks for the previous working day.
LOOK_BACK_DAYS = 15


@dataclass
class Register:
    branch_id: int
    day: date
    complaints: list
    sign_off: ComplaintRegisterSignoff | None


def register(session, viewer, branch_id, day):
    """The register of ``branch_id`` for ``day``: a supervisor's own branch, any branch for an admin."""
    branch_id = _branch_for(session, viewer, branch_id)
    return Register(branch_id, day, _received(session, branch_id, day), _sign_off(session, branch_id, day))


def sign_off(session, actor, branch_id, day, remark=None):
    """The supervisor signs the register of a day that has begun; once per branch and day (409 after)."""
    branch_id = _branch_for(session, actor, branch_id)
    calendar = installation_calendar(session)
    if _day_bounds(calendar, day)[0] > now():
        raise InvalidInput("A register is signed once its day has begun.", {"day": ["In the future."]})
    if _sign_off(session, branch_id, day) is not None:
        raise Conflict("This register is already signed off.", {"day": [day.isoformat()]})
    session.add(ComplaintRegisterSignoff(branch_id=branch_id, day=day, signed_by_id=actor.id, remark=remark))
    session.flush()
    return register(session, actor, branch_id, day)


def remind_unsigned(session, at):
    """On a working morning (inside business hours), tell each branch's supervisors on duty of the previous
    working day's unsigned register that lists complaints. Returns how many notices were written."""
    calendar = installation_calendar(session)
    if not calendar.is_open(at):
        return 0
    day = _previous_working_day(calendar, at.astimezone(calendar.zone).date())
    if day is None:
        return 0
    start, end = _day_bounds(calendar, day)
    received = select(Case.branch_id).where(Case.kind == "complaint", Case.opened_at >= start, Case.opened_at < end)
    signed = select(ComplaintRegisterSignoff.branch_id).where(ComplaintRegisterSignoff.day == day)
    branches = session.scalars(
        select(Branch).where(Branch.id.in_(received), Branch.id.not_in(signed)).order_by(Branch.id)
    ).all()
    roster, written = Roster(session), 0
    for branch in branches:
        text = f"{branch.name}{day.isoformat()}投诉登记台帐尚未签核，请审阅签核。"
        for supervisor in roster.on_duty(branch.id):
            key = f"complaint_register:{branch.id}:{day.isoformat()}:{supervisor.id}"
            if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is None:
                notify(session, supervisor, None, NOTICE_KIND, text, key, at=at, calendar=calendar)
                written += 1
    session.flush()
    return written


def _branch_for(session, viewer, branch_id):
    """The branch whose register ``viewer`` reads or signs: their own (supervisors), any named one (admins)."""
    if viewer.role == "admin":
        if branch_id is None:
            raise InvalidInput("Name the branch.", {"branch_id": ["Required."]})
        return branch_by_id(session, branch_id).id
    if viewer.role != "supervisor":
        raise Forbidden("The complaint register is kept by supervisors.")
    if branch_id not in (None, viewer.branch_id):
        raise Forbidden("That register belongs to another branch.")
    return viewer.branch_id


def _received(session, branch_id, day):
    start, end = _day_bounds(installation_calendar(session), day)
    stmt = select(Case).where(
        Case.kind == "complaint", Case.branch_id == branch_id, Case.opened_at >= start, Case.opened_at < end
    )
    return session.scalars(stmt.order_by(Case.opened_at, Case.id)).all()


def _sign_off(session, branch_id, day):
    stmt = select(ComplaintRegisterSignoff).where(
        ComplaintRegisterSignoff.branch_id == branch_id, ComplaintRegisterSignoff.day == day
    )
    return session.scalar(stmt)


def _day_bounds(calendar, day):
    """The instants (UTC-comparable, aware) at which local ``day`` begins and ends."""
    start = datetime.combine(day, time(0), tzinfo=calendar.zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.zone)


def _previous_working_day(calendar, today):
    for back in range(1, LOOK_BACK_DAYS):
        day = today - timedelta(days=back)
        if calendar.is_working_day(day):
            return day
    return None
