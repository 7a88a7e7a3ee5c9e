"""The audit trail (留痕) of changes to customer data and visits, and reads of documents — DOMAIN §1.

Whoever changes an audited field calls ``record`` in the same transaction as the change,
so a change and its audit row are committed (or rolled back) together.
"""

from sqlalchemy import select

from crm.core import clock
from crm.models import AuditEntry


def record(session, customer, actor, field, old, new, evidence=None, visit=None):
    """One audit row: ``actor`` (None for the system) changed ``field`` of ``customer`` (of ``visit``, one of
    the customer's visits) from ``old`` to ``new``."""
    entry = AuditEntry(
        customer_id=customer.id,
        visit_id=visit.id if visit is not None else None,
        actor_id=actor.id if actor is not None else None,
        at=clock.now(),
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        evidence=evidence,
    )
    session.add(entry)
    return entry


def as_text(value):
    """How a value is kept in the trail: text a person reads, None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def history_query(customer):
    """A ``select(AuditEntry)`` of ``customer``'s trail, newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.customer_id == customer.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def visit_history_query(visit):
    """A ``select(AuditEntry)`` of the changes to ``visit``, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.visit_id == visit.id)
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def history(session, customer):
    """Every audit row of ``customer``, newest first."""
    return session.scalars(history_query(customer)).all()
