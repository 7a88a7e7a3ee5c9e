"""The callbacks agents book in their wrap-ups, and which are still owed.

A callback booked on a call is owed by the agent who wrapped the call up until that agent places a call
to the same customer (or, for a caller who is nobody's customer, to the caller's number) after the
wrap-up: whatever the outcome, the callback was made. Owed callbacks are listed soonest first.
"""

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from crm.models import Call


def owed_callbacks_query(staff):
    """The calls with a callback ``staff`` booked and has not yet made, soonest first."""
    later = aliased(Call)
    same_party = or_(
        and_(Call.customer_id.is_not(None), later.customer_id == Call.customer_id),
        and_(Call.customer_id.is_(None), later.to_number == Call.from_number),
    )
    called_back = exists().where(
        later.direction == "outbound",
        later.agent_id == Call.agent_id,
        later.started_at > Call.wrapped_up_at,
        same_party,
    )
    return (
        select(Call)
        .where(Call.agent_id == staff.id, Call.callback_at.is_not(None), ~called_back)
        .order_by(Call.callback_at, Call.id)
    )
