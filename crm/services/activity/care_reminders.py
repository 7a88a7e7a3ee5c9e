"""Care reminders (亲情服务) — DOMAIN §4, issue 11 item 4.

Birthdays (``Customer.birthday``), the other dates kept on a customer (``CustomerDate``: yearly on its
month and day, or once) and the next-step dates of visits (``Visit.next_step_on``) remind the customer's
manager on the working day before, in the inbox, with the morning digest: the sweep runs every 15 minutes
and acts once business has opened on a working day. On working day D it covers the dates after D up to
and including the next working day — on a Friday the Saturday, Sunday and Monday; before a holiday the
whole holiday and the first working day after — and D itself, which a morning lost to an outage would
otherwise never remind.

A yearly date on 29 February falls on 28 February in a year without one (the day before March, so the
reminder still comes before the month has turned).

Each reminder is written once, by its dedupe key ``care:<customer>:<kind>:<date>``. Only active customers
with a manager are reminded of. The text names the customer by record number only; the notice links the
customer (``Notification.customer_id``).
"""

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, extract, or_, select

from crm.core import clock
from crm.i18n import in_language
from crm.models import Customer, CustomerDate, Notification, Visit
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.notifications import notify

KIND = "care_reminder"
DATE_WORDS = {
    "birthday": _l("birthday"),
    "account_anniversary": _l("account anniversary"),
    "wedding_anniversary": _l("wedding anniversary"),
    "family_birthday": _l("family member's birthday"),
    "other": _l("anniversary"),
}


@dataclass(frozen=True)
class Reminder:
    customer: Customer
    kind: str  # birthday, a CustomerDate kind, or next_step
    day: date

    @property
    def key(self):
        return f"care:{self.customer.id}:{self.kind}:{self.day.isoformat()}"

    def text(self, language):
        """The notice in ``language`` (the manager's)."""
        with in_language(language):
            when = _("%(month)s/%(day)s", month=self.day.month, day=self.day.day)
            if self.kind == "next_step":
                return _(
                    "Customer #%(id)s: the visit agreed a next step on %(when)s; please follow up.",
                    id=self.customer.id,
                    when=when,
                )
            return _(
                "Customer #%(id)s: %(occasion)s on %(when)s; please send your greetings in time.",
                id=self.customer.id,
                occasion=str(DATE_WORDS[self.kind]),
                when=when,
            )


def days_covered(calendar, today):
    """The dates the reminders sent on ``today`` are about: ``today`` to the next working day inclusive;
    none when ``today`` is not a working day."""
    if not calendar.is_working_day(today):
        return []
    last = calendar.next_working_day(today)
    return [today + timedelta(days=n) for n in range((last - today).days + 1)]


def yearly_keys(day):
    """The (month, day) pairs a yearly date falls on ``day``: its own, and 29 February on 28 February of a
    year without one."""
    keys = {(day.month, day.day)}
    if (day.month, day.day) == (2, 28) and not gregorian.isleap(day.year):
        keys.add((2, 29))
    return keys


def remind_due(session, at):
    """Write the care reminders due at ``at``; how many were written (none outside business hours)."""
    calendar = installation_calendar(session)
    if not calendar.is_open(at):
        return 0
    days = days_covered(calendar, clock.local(at).date())
    if not days:
        return 0
    reminders = {r.key: r for r in _reminders(session, days)}
    sent = set(session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(reminders))))
    for key, reminder in reminders.items():
        if key not in sent:
            customer = reminder.customer
            notify(
                session,
                customer.manager,
                None,
                KIND,
                reminder.text(customer.manager.language),
                key,
                at=at,
                customer=customer,
            )
    session.flush()
    return len(reminders) - len(sent)


def _reminders(session, days):
    on_day = {pair: day for day in days for pair in yearly_keys(day)}
    for customer in session.scalars(_remindable(select(Customer)).where(_falls_on(Customer.birthday, on_day))):
        yield Reminder(customer, "birthday", _occurrence(customer.birthday, on_day))
    dates = select(Customer, CustomerDate).join(CustomerDate, CustomerDate.customer_id == Customer.id)
    kept = or_(
        and_(CustomerDate.yearly.is_(True), _falls_on(CustomerDate.day, on_day)),
        and_(CustomerDate.yearly.is_(False), CustomerDate.day.in_(days)),
    )
    for customer, kept_date in session.execute(_remindable(dates).where(kept)):
        day = _occurrence(kept_date.day, on_day) if kept_date.yearly else kept_date.day
        yield Reminder(customer, kept_date.kind, day)
    steps = select(Customer, Visit.next_step_on).join(Visit, Visit.customer_id == Customer.id)
    for customer, day in session.execute(_remindable(steps).where(Visit.next_step_on.in_(days))):
        yield Reminder(customer, "next_step", day)


def _remindable(stmt):
    return stmt.where(Customer.status == "active", Customer.manager_id.is_not(None)).order_by(Customer.id)


def _falls_on(column, on_day):
    """SQL: the month and day of ``column`` are one of ``on_day``'s pairs."""
    return or_(*(and_(extract("month", column) == m, extract("day", column) == d) for m, d in on_day))


def _occurrence(day, on_day):
    return on_day[day.month, day.day]
