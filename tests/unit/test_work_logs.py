"""Work logs and weekly summaries (DOMAIN §4): generated from the recorded activity, idempotent."""

import json
from datetime import date

from sqlalchemy import select

from crm.models import QuotaTarget, WorkLog
from crm.services.activity import work_logs
from tests import activity_factories as rows
from tests.times import sh


def logs(db):
    return db.session.scalars(select(WorkLog).order_by(WorkLog.kind, WorkLog.period_start)).all()


def contacts(log):
    return next(f for f in log.figures if f["kind"] == "contact_calls")


def test_a_daily_log_holds_the_days_figures_against_its_targets_and_no_personal_data(db, make, agent):
    db.session.add(QuotaTarget(kind="contact_calls", period="day", target=10, valid_from=date(2026, 1, 1)))
    customer = make.customer(manager=agent, name="张三")
    call = rows.call(db.session, agent, customer, sh(11, 23, 10))
    visit = make.visit(agent, customer, channel="home_visit", started_at=sh(11, 23, 14))
    assert work_logs.generate(db.session, date(2026, 11, 23)) == 1  # a Monday: no weekly summary yet
    [log] = logs(db)
    monday = date(2026, 11, 23)
    assert (log.kind, log.staff_id, log.period_start, log.period_end) == ("daily", agent.id, monday, monday)
    assert (contacts(log)["done"], contacts(log)["target"], contacts(log)["ratio"]) == (1, 10, 0.1)
    assert [c["id"] for c in log.items["calls"]] == [call.id] and log.items["calls"][0]["contact"]
    assert [(v["id"], v["channel"]) for v in log.items["visits"]] == [(visit.id, "home_visit")]
    stored = json.dumps([log.figures, log.items], ensure_ascii=False)
    assert "张三" not in stored and "138" not in stored


def test_the_weekly_summary_comes_on_friday_for_monday_to_friday(db, make, agent):
    customer = make.customer(manager=agent)
    rows.call(db.session, agent, customer, sh(11, 23, 10))
    rows.call(db.session, agent, customer, sh(11, 27, 10))
    assert work_logs.generate(db.session, date(2026, 11, 27)) == 2
    weekly = next(log for log in logs(db) if log.kind == "weekly")
    assert (weekly.period_start, weekly.period_end, contacts(weekly)["done"]) == (
        date(2026, 11, 23),
        date(2026, 11, 27),
        2,
    )
    by_day = [(day["day"], day["contact_calls"]) for day in weekly.items["days"]]
    assert by_day == [("2026-11-23", 1), ("2026-11-24", 0), ("2026-11-25", 0), ("2026-11-26", 0), ("2026-11-27", 1)]


def test_when_friday_is_a_holiday_the_summary_comes_on_thursday(db, agent):
    assert work_logs.generate(db.session, date(2026, 9, 25)) == 0  # Mid-Autumn Festival
    assert work_logs.generate(db.session, date(2026, 9, 24)) == 2
    weekly = next(log for log in logs(db) if log.kind == "weekly")
    assert (weekly.period_start, weekly.period_end) == (date(2026, 9, 21), date(2026, 9, 24))


def test_regenerating_refreshes_the_figures_and_keeps_the_remarks_until_reviewed(db, make, agent, supervisor):
    customer = make.customer(manager=agent)
    monday = date(2026, 11, 23)
    work_logs.generate(db.session, monday)
    [log] = logs(db)
    work_logs.set_remarks(db.session, agent, log.id, "拜访两位客户")
    rows.call(db.session, agent, customer, sh(11, 23, 16))
    work_logs.generate(db.session, monday)
    [again] = logs(db)
    assert (again.id, again.remarks, contacts(again)["done"]) == (log.id, "拜访两位客户", 1)
    work_logs.review(db.session, supervisor, log.id, "已阅")
    rows.call(db.session, agent, customer, sh(11, 23, 16, 30))
    assert work_logs.generate(db.session, monday) == 0
    assert contacts(logs(db)[0])["done"] == 1
