"""Calendar overrides and scripts are read once per transaction, yet every change is seen at once."""

from datetime import date

from sqlalchemy.orm import Session

from crm.core.memo import per_transaction
from crm.services.cases.calendar.installation import add_override, installation_calendar, remove_override

TUESDAY = date(2026, 11, 24)


def test_an_override_added_in_the_same_transaction_changes_the_calendar_at_once(db):
    assert installation_calendar(db.session).is_working_day(TUESDAY)

    add_override(db.session, None, TUESDAY, "holiday")
    assert not installation_calendar(db.session).is_working_day(TUESDAY)

    remove_override(db.session, TUESDAY)
    assert installation_calendar(db.session).is_working_day(TUESDAY)


def test_an_override_written_by_another_process_is_seen_by_the_next_transaction(db):
    assert installation_calendar(db.session).is_working_day(TUESDAY)
    with Session(db.engine) as other_process:  # its own connection; the change bumps the reference version
        add_override(other_process, None, TUESDAY, "holiday")
        other_process.commit()

    db.session.commit()  # the request ends; the next one begins a new transaction
    assert not installation_calendar(db.session).is_working_day(TUESDAY)


def test_a_read_memoised_while_building_another_is_kept_with_it(db):
    builds = []

    def inner():
        builds.append("inner")
        return per_transaction(db.session, ("inner",), lambda: builds.append("inner built") or 1)

    per_transaction(db.session, ("outer",), inner)
    assert per_transaction(db.session, ("inner",), lambda: builds.append("inner built again") or 2) == 1
    assert builds == ["inner", "inner built"]
