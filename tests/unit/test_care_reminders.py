"""Care reminders (issue 11 item 4): on the working day before, once business has opened; Friday covers
the weekend and Monday, the eve of a holiday the whole holiday; once each; no personal data in the text."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import CalendarOverride, CustomerDate, Notification
from crm.services.activity import care_reminders
from crm.services.cases.calendar.working_days import BusinessCalendar
from tests.times import sh


def reminded(db):
    """(customer id, kind, day) of every reminder written, read from the dedupe keys."""
    notices = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return {tuple(n.dedupe_key.split(":")[1:]) for n in notices}


@pytest.fixture
def customer(make, agent):
    return make.customer(manager=agent, name="王小明", phones=("13912345678",), birthday=date(1980, 11, 29))


def test_friday_morning_covers_saturday_sunday_and_monday(db, make, agent, customer):
    db.session.add_all(
        [
            CustomerDate(customer_id=customer.id, kind="wedding_anniversary", day=date(2001, 11, 30)),
            CustomerDate(customer_id=customer.id, kind="other", day=date(2026, 11, 28), yearly=False),
            CustomerDate(customer_id=customer.id, kind="account_anniversary", day=date(2015, 12, 1)),  # Tuesday
        ]
    )
    make.visit(agent, customer, started_at=sh(11, 20, 10), next_step_on=date(2026, 11, 30))
    db.session.commit()

    assert care_reminders.remind_due(db.session, sh(11, 27, 8, 59)) == 0  # before opening
    assert care_reminders.remind_due(db.session, sh(11, 27, 9, 0)) == 4

    c = str(customer.id)
    assert reminded(db) == {
        (c, "birthday", "2026-11-29"),
        (c, "wedding_anniversary", "2026-11-30"),
        (c, "other", "2026-11-28"),
        (c, "next_step", "2026-11-30"),
    }


def test_each_reminder_is_written_once_and_names_no_customer(db, agent, customer):
    assert care_reminders.remind_due(db.session, sh(11, 27, 9, 15)) == 1
    assert care_reminders.remind_due(db.session, sh(11, 27, 9, 30)) == 0
    db.session.commit()

    [notice] = db.session.scalars(select(Notification)).all()
    assert (notice.recipient_id, notice.kind, notice.customer_id) == (agent.id, "care_reminder", customer.id)
    assert notice.text == f"客户 #{customer.id} 的生日在11月29日，请及时送上亲情问候。"
    assert "王小明" not in notice.text and "13912345678" not in notice.text and "1980" not in notice.text


def test_the_eve_of_a_holiday_covers_the_holiday_and_the_next_working_day(db, make, agent):
    for day in (date(2026, 12, 3), date(2026, 12, 4)):  # Thursday and Friday closed
        db.session.add(CalendarOverride(day=day, kind="holiday"))
    db.session.commit()
    birthdays = [date(1990, 12, d) for d in (3, 6, 7, 8)]
    customers = [make.customer(manager=agent, birthday=b) for b in birthdays]

    assert care_reminders.remind_due(db.session, sh(12, 1, 10)) == 0  # Tuesday: Wednesday's are not due yet
    assert care_reminders.remind_due(db.session, sh(12, 2, 10)) == 3  # Wednesday: Thursday to Monday
    assert care_reminders.remind_due(db.session, sh(12, 3, 10)) == 0  # a holiday: nothing is sent

    assert {key[0] for key in reminded(db)} == {str(c.id) for c in customers[:3]}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 2, 26), [(2, 27), (2, 28), (3, 1)]),  # Friday, no 29 February in 2027
        (date(2028, 2, 25), [(2, 26), (2, 27), (2, 28)]),
    ],
)
def test_a_29_february_birthday_falls_on_28_february_in_a_common_year(db, today, expected):
    days = care_reminders.days_covered(BusinessCalendar(), today)[1:]
    keys = set().union(*(care_reminders.yearly_keys(day) for day in days))

    assert [(d.month, d.day) for d in days] == expected
    assert ((2, 29) in keys) is (today.year == 2027)


def test_29_february_is_reminded_on_the_working_day_before_28_february(db, make, agent):
    leapling = make.customer(manager=agent, birthday=date(2000, 2, 29))

    assert care_reminders.remind_due(db.session, sh(2, 26, 10, year=2027)) == 1

    assert reminded(db) == {(str(leapling.id), "birthday", "2027-02-28")}


def test_closed_customers_and_customers_without_a_manager_are_not_reminded(db, make, agent):
    make.customer(manager=agent, birthday=date(1980, 11, 28), status="closed")
    make.customer(birthday=date(1980, 11, 28))

    assert care_reminders.remind_due(db.session, sh(11, 27, 10)) == 0


def test_a_manager_who_chose_english_reads_the_reminder_in_english(db, agent, customer):
    agent.language = "en"
    db.session.commit()

    care_reminders.remind_due(db.session, sh(11, 27, 9, 15))

    [notice] = db.session.scalars(select(Notification)).all()
    assert notice.text == f"Customer #{customer.id}: birthday on 11/29; please send your greetings in time."
