"""Visit logs (拜访记录) — DOMAIN §4.

A manager logs a visit to a customer they may see; only its author changes it. Agents
see their own visits, supervisors their branch's, admins every one.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from crm.core import clock
from crm.core.filters import where_given
from crm.errors import Forbidden, InvalidInput
from crm.models import Visit
from crm.services.org import access, audit

EDITABLE_FIELDS = (
    "channel",
    "started_at",
    "duration_minutes",
    "purpose",
    "summary",
    "outcome",
    "next_step",
    "next_step_on",
    "self_score",
    "call_sid",
)


def log_visit(session, actor, customer, fields):
    """A new visit by ``actor`` (who becomes its manager) to ``customer``."""
    access.require_visible(actor, customer)
    _check_dates(_editable(fields)["started_at"], fields.get("next_step_on"))
    visit = Visit(manager_id=actor.id, customer_id=customer.id, **fields)
    session.add(visit)
    return visit


def update_visit(session, actor, visit, changes):
    """Correct a visit; each field that changes is in the audit trail (``visit.<field>``, old and new)."""
    if visit.manager_id != actor.id:
        raise Forbidden("Only the manager who logged a visit may change it.")
    _editable(changes)
    _check_dates(changes.get("started_at", visit.started_at), changes.get("next_step_on", visit.next_step_on))
    for name, value in changes.items():
        old = getattr(visit, name)
        if _differs(old, value):
            audit.record(session, visit.customer, actor, f"visit.{name}", old, value, visit=visit)
        setattr(visit, name, value)
    return visit


def _differs(old, new):
    if isinstance(old, datetime) and isinstance(new, datetime):
        return clock.as_utc(old) != clock.as_utc(new)
    return old != new


def _editable(fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput("These fields cannot be set.", {name: ["Not settable."] for name in unknown})
    return fields


def _check_dates(started_at, next_step_on):
    """A visit has happened (not in the future), and its next step comes on or after its day."""
    if clock.as_utc(started_at) > clock.now():
        raise InvalidInput("A visit is logged after it happened.", {"started_at": ["In the future."]})
    if next_step_on and next_step_on < clock.local(started_at).date():
        raise InvalidInput("The next step cannot come before the visit.", {"next_step_on": ["Before the visit."]})


def visits_query(viewer, manager_id=None, customer_id=None, channel=None, date_from=None, date_to=None):
    """Visits ``viewer`` may see, newest first; ``date_from``/``date_to`` are local dates, both inclusive."""
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("The range ends before it starts.", {"to": ["Before 'from'."]})
    stmt = access.visible(select(Visit), viewer).order_by(Visit.started_at.desc(), Visit.id.desc())
    stmt = where_given(stmt, {Visit.manager_id: manager_id, Visit.customer_id: customer_id, Visit.channel: channel})
    if date_from:
        stmt = stmt.where(Visit.started_at >= _local_midnight(date_from))
    if date_to:
        stmt = stmt.where(Visit.started_at < _local_midnight(date_to + timedelta(days=1)))
    return stmt


def _local_midnight(day):
    return clock.as_utc(datetime.combine(day, time(), tzinfo=clock.zone()))


def visible_visit(session, viewer, visit_id):
    """The visit ``visit_id``: ``NotFound`` when there is none, ``Forbidden`` when ``viewer`` may not see it."""
    return access.visible_row(session, viewer, Visit, visit_id)
