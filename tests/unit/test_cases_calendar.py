"""The installation calendar: configured hours and country, overrides from the database (DOMAIN §5)."""

from datetime import date, time

import pytest

from crm.models import CalendarOverride
from crm.services.cases.calendar import installation
from crm.services.cases.calendar.installation import installation_calendar, parse_business_hours
from tests.times import sh


@pytest.fixture
def configured(app):
    """Reconfigure the installation for one test, then put the app's settings back."""
    yield installation.configure
    config = app.config
    installation.configure(config["CALENDAR_COUNTRY"], config["TIMEZONE"], config["BUSINESS_HOURS"])


def test_business_hours_come_from_configuration(db, configured):
    configured("CN", "Asia/Shanghai", "08:30-16:30")
    calendar = installation_calendar(db.session)
    assert (calendar.opens, calendar.closes) == (time(8, 30), time(16, 30))
    assert calendar.add_working_days(sh(11, 21, 10), 1) == sh(11, 23, 16, 30)


def test_the_country_comes_from_configuration(db, configured):
    configured("US", "America/New_York", "09:00-17:00")
    calendar = installation_calendar(db.session)
    assert not calendar.is_working_day(date(2026, 11, 26))  # Thanksgiving
    assert calendar.is_working_day(date(2026, 10, 5))  # China's National Day holiday is a US Monday


@pytest.mark.parametrize("text", ["9-5", "17:00-09:00", "09:00", "nine to five"])
def test_nonsense_business_hours_are_refused_at_start(text):
    with pytest.raises(ValueError):
        parse_business_hours(text)


def test_an_override_is_seen_by_the_next_calendar_without_restarting(db):
    day = date(2026, 11, 27)
    assert installation_calendar(db.session).is_working_day(day)
    db.session.add(CalendarOverride(day=day, kind="holiday"))
    db.session.commit()
    assert not installation_calendar(db.session).is_working_day(day)
    db.session.query(CalendarOverride).delete()
    db.session.commit()
    assert installation_calendar(db.session).is_working_day(day)


def test_the_calendar_is_reused_while_the_overrides_are_unchanged(db):
    assert installation_calendar(db.session) is installation_calendar(db.session)


def test_an_extra_working_day_on_a_public_holiday_opens_the_centre(db):
    db.session.add(CalendarOverride(day=date(2026, 10, 2), kind="workday"))
    db.session.commit()
    assert installation_calendar(db.session).is_working_day(date(2026, 10, 2))
