"""Renewing the high-risk disclosure (S2 §49 "持续做好风险提示"): when a customer's latest signed risk
disclosure is older than the admin-set interval (``KEFU_DISCLOSURE_RENEWAL_DAYS``), their manager finds a
reminder in the inbox to disclose the risks again.

The database is the source of truth: a daily sweep finds who is due; the notice's dedupe key names the
disclosure it renews, so each disclosure is reminded once however often the sweep runs, and a new
signed disclosure starts the interval again.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.i18n import in_language
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
            text = _text(customer, signed_at, days, customer.manager.language)
            notify(session, customer.manager, None, KIND, text, key, at=at)
    return len(keys) - len(sent)


def _key(customer, signed_at):
    return f"{KIND}:{customer.id}:{signed_at.strftime('%Y%m%d%H%M%S')}"


def _text(customer, signed_at, days, language):
    """No name or number of the customer (personal data stays out of notices): their record id."""
    with in_language(language):
        return _(
            "Customer #%(id)s signed the high-risk business risk disclosure on %(day)s, more than %(days)s days "
            "ago; remind the customer of the risks and ask them to sign it again.",
            id=customer.id,
            day=f"{signed_at:%Y-%m-%d}",
            days=days,
        )
