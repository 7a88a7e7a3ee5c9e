"""Renewing the high-risk disclosure (S2 §49 "持续做好风险提示"): when a customer's latest signed risk
disclosure is older than the admin-set interval (``KEFU_DISCLOSURE_RENEWAL_DAYS``), their manager finds a
reminder in the inbox to disclose the risks again.

The database is the source of truth: a daily sweep finds who is due; the notice's dedupe key names the
disclosure it renews, so each disclosure is reminded once however often the sweep runs, and a new
signed disclosure starts the interval again.
"""

from datetime import timedelta

from sqlalchemy import func, select

from crm.models import Customer, Document, Notification
from crm.services.cases.notifications import notify

KIND = "disclosure_renewal"


def remind_due(session, at, days):
    """Write the reminders due at ``at``; how many were written."""
    latest = (
        select(Document.customer_id, func.max(Document.added_at).label("signed_at"))
        .where(Document.kind == "risk_disclosure")
        .group_by(Document.customer_id)
        .subquery()
    )
    due = session.execute(
        select(Customer, latest.c.signed_at)
        .join(latest, latest.c.customer_id == Customer.id)
        .where(latest.c.signed_at <= at - timedelta(days=days), Customer.manager_id.is_not(None))
        .where(Customer.status != "closed")
        .order_by(Customer.id)
    ).all()
    keys = {_key(customer, signed_at): (customer, signed_at) for customer, signed_at in due}
    sent = set(session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys))))
    for key, (customer, signed_at) in keys.items():
        if key not in sent:
            notify(session, customer.manager, None, KIND, _text(customer, signed_at, days), key, at=at)
    return len(keys) - len(sent)


def _key(customer, signed_at):
    return f"{KIND}:{customer.id}:{signed_at.strftime('%Y%m%d%H%M%S')}"


def _text(customer, signed_at, days):
    """No name or number of the customer (personal data stays out of notices): their record id."""
    return (
        f"客户 #{customer.id} 的高风险业务风险提示书签署于 {signed_at:%Y-%m-%d}，已超过 {days} 天，"
        "请再次向客户提示风险并请其重新签署。"
    )
