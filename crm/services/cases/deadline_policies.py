"""Deadline policies as data: kind × VIP tier × clock → an amount of minutes or working days.

DEFAULT_POLICIES is DOMAIN §5's table. Migration 0002 seeds the same rows into a fresh
database; ``ensure_defaults`` restores them into an empty table (demo data, tests).
"""

from sqlalchemy import select

from crm.models import DeadlinePolicy

# (kind, clock) → (amount, unit); VIP and non-VIP start equal, admins may tighten either.
DEFAULT_POLICIES = {
    ("complaint", "dispatch"): (5, "minutes"),
    ("complaint", "first_response"): (1, "working_days"),
    ("complaint", "resolution"): (2, "working_days"),
    ("opinion", "resolution"): (1, "working_days"),
    ("email_inquiry", "resolution"): (2, "working_days"),
    ("inquiry", "first_response"): (1, "working_days"),
    ("report_delivery", "resolution"): (1, "working_days"),
    ("retention", "first_response"): (1, "working_days"),
}


def default_rows():
    return [
        {"kind": kind, "vip": vip, "clock": clock, "amount": amount, "unit": unit}
        for (kind, clock), (amount, unit) in DEFAULT_POLICIES.items()
        for vip in (False, True)
    ]


def ensure_defaults(session):
    """Insert the default policies when the table is empty; returns how many were added."""
    if session.scalar(select(DeadlinePolicy.id).limit(1)) is not None:
        return 0
    rows = default_rows()
    session.add_all(DeadlinePolicy(**row) for row in rows)
    session.flush()
    return len(rows)


def policies_for(session, kind, vip):
    """{clock: (amount, unit)} for a case of ``kind`` and tier."""
    rows = session.scalars(select(DeadlinePolicy).where(DeadlinePolicy.kind == kind, DeadlinePolicy.vip == vip))
    return {row.clock: (row.amount, row.unit) for row in rows}
