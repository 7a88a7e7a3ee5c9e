"""Nightly reclassification: customers who went dormant move to class G (DOMAIN §2).

A customer's class is recomputed whenever assets or turnover change, but dormancy
("no trade for 12 months") arrives with the calendar, not with an edit. The nightly job
finds those customers with one query, writes one audit row each and updates them in bulk.
"""

import calendar
from datetime import date

from sqlalchemy import insert, select, update

from crm.core import clock
from crm.models import AuditEntry, Customer
from crm.services.customers import classification

EVIDENCE = "nightly reclassification"
_CHUNK = 1000


def dormancy_cutoff(today, months):
    """The latest last-trade date that makes a customer dormant on ``today``: the same day ``months`` back.

    Agrees with ``classification.is_dormant``; a day missing in the shorter month clamps to its last day.
    """
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def reclassify_all(session, today):
    """Move every customer who became dormant by ``today`` to the dormant class; returns how many moved.

    Each move is audited (field ``customer_class``, no actor). Nothing is committed here.
    """
    dormant = classification.DORMANT_CLASS
    cutoff = dormancy_cutoff(today, classification.rules().dormant_months)
    moved = session.execute(
        select(Customer.id, Customer.customer_class).where(
            Customer.customer_class != dormant,
            Customer.last_trade_on.is_not(None),
            Customer.last_trade_on <= cutoff,
        )
    ).all()
    at = clock.now()
    for start in range(0, len(moved), _CHUNK):
        chunk = moved[start : start + _CHUNK]
        session.execute(
            insert(AuditEntry),
            [_audit_row(id_, old, dormant, at) for id_, old in chunk],
        )
        session.execute(
            update(Customer)
            .where(Customer.id.in_([id_ for id_, _ in chunk]))
            .values(customer_class=dormant)
            .execution_options(synchronize_session="fetch")
        )
    return len(moved)


def _audit_row(customer_id, old_class, new_class, at):
    return {
        "customer_id": customer_id,
        "actor_id": None,
        "at": at,
        "field": "customer_class",
        "old_value": old_class,
        "new_value": new_class,
        "evidence": EVIDENCE,
    }
