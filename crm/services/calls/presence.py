"""Softphone presence (offline / ready / busy / wrap-up) and who may take a call now.

Routing rings ``ready_agents``: the preferred person first (a VIP caller's own manager),
then whoever has been ready longest — the fair queue every call centre uses. Nobody gets ``ready``
while a call they answered waits for its wrap-up (``crm.services.calls.wrap_up``): 409.
"""

from sqlalchemy import case, select

from crm.core import clock
from crm.errors import Conflict, InvalidInput
from crm.models import Staff
from crm.models.telephony import PRESENCE
from crm.services.calls.wrap_up import unwrapped_call

# Staff who carry a softphone and can be routed calls.
ANSWERING_ROLES = ("agent", "supervisor")


def set_presence(session, staff, presence, at=None):
    """Set ``staff``'s presence; the time changes only when the presence does (ready-since ordering)."""
    if presence not in PRESENCE:
        raise InvalidInput(f"Unknown presence {presence!r}.", {"presence": [f"One of: {', '.join(PRESENCE)}."]})
    if presence == "ready" and unwrapped_call(session, staff) is not None:
        raise Conflict(
            "Wrap up your last call (disposition and notes) before you take the next one.",
            {"presence": ["A call you answered has no wrap-up yet."]},
        )
    if staff.presence != presence:
        staff.presence = presence
        staff.presence_changed_at = at or clock.now()
    return staff


def ready_agents(session, branch_id, prefer_staff_id=None):
    """Active staff of ``branch_id`` who are ready for a call: ``prefer_staff_id`` first (when
    ready), then longest-ready first."""
    preferred_first = case((Staff.id == prefer_staff_id, 0), else_=1) if prefer_staff_id else None
    order = [preferred_first] if preferred_first is not None else []
    stmt = (
        select(Staff)
        .where(
            Staff.branch_id == branch_id,
            Staff.is_active.is_(True),
            Staff.role.in_(ANSWERING_ROLES),
            Staff.presence == "ready",
        )
        .order_by(*order, Staff.presence_changed_at.asc().nulls_first(), Staff.id)
    )
    return list(session.scalars(stmt))


def presence_board(session, branch_id):
    """Everyone of the branch who can answer calls, with presence: ready first, then by name."""
    stmt = (
        select(Staff)
        .where(Staff.branch_id == branch_id, Staff.is_active.is_(True), Staff.role.in_(ANSWERING_ROLES))
        .order_by(case((Staff.presence == "ready", 0), else_=1), Staff.name, Staff.id)
    )
    return list(session.scalars(stmt))
