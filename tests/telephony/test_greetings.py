"""Greeting selection (DOMAIN §6): holiday variants inside their dates, line by dialled number, VIP."""

from datetime import datetime

import pytest

from crm.models import Script
from crm.services.calls.default_scripts import ensure_default_scripts
from crm.services.calls.greetings import fill, greeting_for, phrase
from tests.telephony.ivr_walk import CALLER, Caller
from tests.times import SHANGHAI


def at(day, hour=10):
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "hotline", "club"),
    [
        ("2026-01-01", "新年好！某某证券{branch}！", "新年好！这里是某某证券财富俱乐部！"),
        ("2026-02-17", "新年好！某某证券{branch}！", "新年好！这里是某某证券财富俱乐部！"),
        ("2026-05-03", "劳动节快乐！某某证券{branch}！", "劳动节快乐！这里是某某证券财富俱乐部！"),
        ("2026-09-26", "中秋节快乐！某某证券{branch}！", "中秋节快乐！这里是某某证券财富俱乐部！"),
        ("2026-10-01", "国庆节快乐！某某证券{branch}！", "国庆节快乐！这里是某某证券财富俱乐部！"),
        ("2026-11-23", "您好，某某证券{branch}！", "您好，这里是某某证券财富俱乐部！"),
        ("2026-10-08", "您好，某某证券{branch}！", "您好，这里是某某证券财富俱乐部！"),
    ],
)
def test_greeting_on_each_line_follows_the_holiday_ranges(db, scripts, branch, day, hotline, club):
    assert greeting_for(db.session, "hotline", at(day), branch=branch).text == hotline.format(branch=branch.name)
    assert greeting_for(db.session, "wealth_club", at(day), branch=branch).text == club


def test_the_local_date_decides_not_the_utc_date(db, scripts, branch):
    # 2026-10-01 00:30 in Shanghai is still 30 September in UTC.
    assert greeting_for(db.session, "hotline", at("2026-10-01", hour=0), branch=branch).holiday


def test_agent_pickup_phrase_carries_branch_and_job_number(db, scripts, branch, agent):
    spoken = phrase(db.session, "agent_pickup", "agent_pickup", at("2026-11-23"), branch=branch, agent=agent).text
    assert spoken == f"您好，{branch.name}（工号{agent.job_no}）为您服务，请问您有什么问题？"
    on_holiday = phrase(db.session, "agent_pickup", "agent_pickup", at("2026-10-02"), branch=branch, agent=agent)
    assert on_holiday.text.startswith("国庆节快乐！")


def test_a_recording_is_returned_with_the_text(db, scripts, branch):
    script = db.session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=None).one()
    script.audio_url = "https://media.example.com/hotline.mp3"
    db.session.commit()
    greeting = greeting_for(db.session, "hotline", at("2026-11-23"), branch=branch)
    assert (greeting.audio_url, greeting.script_id) == ("https://media.example.com/hotline.mp3", script.id)


def test_a_branchs_own_script_beats_the_installations(db, scripts, branch, make):
    db.session.add(
        Script(purpose="greeting", line="hotline", name="greeting", text="您好，浦东！", branch_id=branch.id)
    )
    db.session.commit()
    other = make.branch()
    assert greeting_for(db.session, "hotline", at("2026-11-23"), branch=branch).text == "您好，浦东！"
    assert greeting_for(db.session, "hotline", at("2026-11-23"), branch=other).text.startswith("您好，某某证券")


def test_an_inactive_holiday_variant_is_skipped(db, scripts, branch):
    variant = db.session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=at("2026-10-01").date())
    variant.one().is_active = False
    db.session.commit()
    assert greeting_for(db.session, "hotline", at("2026-10-01"), branch=branch).text.startswith("您好")


def test_defaults_are_added_once(db, scripts):
    assert ensure_default_scripts(db.session) == 0


def test_unknown_placeholders_are_left_as_written(branch):
    assert fill("{branch}{unknown}", branch=branch) == f"{branch.name}{{unknown}}"


def test_the_ivr_plays_the_recording_instead_of_speaking(signed_post, phone_lines, db, clock):
    script = db.session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=None).one()
    script.audio_url = "https://media.example.com/hotline.mp3"
    db.session.commit()
    caller = Caller(signed_post, phone_lines["hotline"])
    caller.dial()
    assert caller.last.find("Play").text == "https://media.example.com/hotline.mp3"
    assert caller.heard()[0] == "https://media.example.com/hotline.mp3"


def test_the_club_number_plays_the_club_greeting_to_anyone(signed_post, phone_lines, db, clock):
    caller = Caller(signed_post, phone_lines["wealth_club"], from_=CALLER)
    caller.dial()
    assert caller.heard()[0] == "您好，这里是某某证券财富俱乐部！"


def test_on_national_day_the_ivr_greets_with_the_holiday_variant(signed_post, phone_lines, branch, db, clock):
    clock.set(at("2026-10-01"))
    caller = Caller(signed_post, phone_lines["hotline"])
    caller.dial()
    assert caller.heard()[0] == f"国庆节快乐！某某证券{branch.name}！"


def test_demo_telephony_registers_each_branchs_hotline_and_club_number(db, make):
    from crm.models import PhoneLine
    from crm.services.calls.default_scripts import ensure_demo_telephony

    shanghai = make.branch(code="SH01", hotline="+862150508888")
    ensure_demo_telephony(db.session)
    ensure_demo_telephony(db.session)  # once only
    lines = db.session.query(PhoneLine).order_by(PhoneLine.id).all()
    assert [(line.number, line.line, line.branch_id) for line in lines] == [
        ("+862150508888", "hotline", shanghai.id),
        ("+862150509999", "wealth_club", shanghai.id),
    ]
    assert (
        greeting_for(db.session, "hotline", at("2026-11-23"), branch=shanghai).text
        == f"您好，某某证券{shanghai.name}！"
    )


def test_a_holiday_variant_beats_a_standard_phrase_written_later(db, scripts, branch):
    old = db.session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=None).one()
    old.is_active = False
    db.session.add(Script(purpose="greeting", line="hotline", name="greeting", text="您好，欢迎致电{branch}！"))
    db.session.commit()
    assert greeting_for(db.session, "hotline", at("2026-10-01"), branch=branch).text.startswith("国庆节快乐！")
    assert greeting_for(db.session, "hotline", at("2026-11-23"), branch=branch).text == f"您好，欢迎致电{branch.name}！"


def _said(caller):
    return [(node.text, node.get("language"), node.get("voice")) for node in caller.last.iter("Say")]


def test_a_greeting_written_in_english_is_spoken_in_english(signed_post, phone_lines, db, clock):
    script = db.session.query(Script).filter_by(purpose="greeting", line="wealth_club", valid_from=None).one()
    script.text, script.language = "Hello, this is the Wealth Club!", "en"
    db.session.commit()
    caller = Caller(signed_post, phone_lines["wealth_club"], from_=CALLER)
    caller.dial()
    assert _said(caller)[0] == ("Hello, this is the Wealth Club!", "en-US", "Polly.Joanna")


def test_a_chinese_greeting_is_spoken_in_mandarin(signed_post, phone_lines, db, clock):
    caller = Caller(signed_post, phone_lines["wealth_club"], from_=CALLER)
    caller.dial()
    assert _said(caller)[0] == ("您好，这里是某某证券财富俱乐部！", "zh-CN", "Polly.Zhiyu")


def test_an_english_script_with_a_recording_plays_the_recording(signed_post, phone_lines, db, clock):
    script = db.session.query(Script).filter_by(purpose="greeting", line="wealth_club", valid_from=None).one()
    script.language, script.audio_url = "en-US", "https://media.example.com/club-en.mp3"
    db.session.commit()
    caller = Caller(signed_post, phone_lines["wealth_club"], from_=CALLER)
    caller.dial()
    assert caller.heard()[0] == "https://media.example.com/club-en.mp3"
