"""The openings a survey offers after "not convenient now" (issue 10 §10): half days of working days, in
business hours, after the instant asked, from the installation's calendar."""

from datetime import date

import pytest

from crm.services.cases.calendar import installation
from crm.services.surveys.openings import offer_text, openings, picked
from tests.times import sh


def offered(db, at):
    return [(opening.label, opening.at) for opening in openings(db.session, at)]


def test_mid_morning_offers_this_afternoon_then_tomorrow(db):
    assert offered(db, sh(11, 23, 10)) == [
        ("今天下午", sh(11, 23, 14)),
        ("明天上午", sh(11, 24, 9)),
        ("明天下午", sh(11, 24, 14)),
    ]


def test_an_opening_that_began_is_no_longer_offered(db):
    assert offered(db, sh(11, 23, 14))[0] == ("明天上午", sh(11, 24, 9))


def test_before_opening_time_this_morning_is_offered(db):
    assert offered(db, sh(11, 23, 7))[0] == ("今天上午", sh(11, 23, 9))


def test_friday_afternoon_offers_monday_by_its_date(db):
    assert offered(db, sh(11, 27, 15)) == [
        ("11月30日星期一上午", sh(11, 30, 9)),
        ("11月30日星期一下午", sh(11, 30, 14)),
        ("12月1日星期二上午", sh(12, 1, 9)),
    ]


def test_a_holiday_override_is_skipped(db):
    installation.add_override(db.session, None, date(2026, 11, 24), "holiday")

    assert [label for label, _ in offered(db, sh(11, 23, 15))] == ["后天上午", "后天下午", "11月26日星期四上午"]


def test_national_day_holiday_is_skipped(db):
    # 2026: 1–7 October are closed; Saturday 10 October is an adjusted working day (调休).
    assert offered(db, sh(9, 30, 15))[0][1] == sh(10, 8, 9)


@pytest.mark.parametrize(
    ("hours", "first_two"),
    [
        ("08:30-11:30", [sh(11, 24, 8, 30), sh(11, 25, 8, 30)]),
        ("13:00-21:00", [sh(11, 23, 14), sh(11, 24, 14)]),
        ("12:00-14:00", [sh(11, 23, 12), sh(11, 24, 12)]),
    ],
)
def test_business_hours_clip_the_half_days(db, hours, first_two):
    installation.configure("CN", "Asia/Shanghai", hours)
    try:
        assert [at for _, at in offered(db, sh(11, 23, 10))][:2] == first_two
    finally:
        installation.configure("CN", "Asia/Shanghai", "09:00-17:00")


def test_each_opening_is_spoken_with_its_key_and_read_back_by_it(db):
    offer = openings(db.session, sh(11, 23, 10))

    assert offer_text(offer) == "请问您什么时候方便接听回访？今天下午请按1，明天上午请按2，明天下午请按3。"
    assert picked(offer, "2") == offer[1]
    assert picked(offer, "4") is None and picked(offer, "0") is None and picked(offer, None) is None
