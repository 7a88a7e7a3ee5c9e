"""Calls in progress: who of a branch is ringing or talking right now (the supervisor board)."""

from sqlalchemy import select

from crm.models import Call
from crm.services.org import access

# Twilio's call statuses of a call not yet over (``telephony/parameters.py``).
LIVE_STATUSES = ("ringing", "in-progress", "answered")


def calls_in_progress(session, viewer, branch_id=None):
    """Live calls with an agent that ``viewer`` may see (of ``branch_id`` when given), oldest first."""
    stmt = access.visible(select(Call), viewer).where(
        Call.status.in_(LIVE_STATUSES), Call.ended_at.is_(None), Call.agent_id.is_not(None)
    )
    if branch_id is not None:
        stmt = stmt.where(Call.branch_id == branch_id)
    return list(session.scalars(stmt.order_by(Call.started_at, Call.id)))
