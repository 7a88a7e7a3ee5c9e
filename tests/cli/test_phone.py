"""``kefu phone``: a caller walked through the IVR in process, what they hear printed line by line."""

from datetime import UTC, datetime

from sqlalchemy import select

from crm.models import Call
from crm.services.calls.presence import set_presence

MENU = "heard: 账户业务请按1，投诉请按2，预约回电请按3，人工服务请按0。"


def phone(app, *args):
    return app.test_cli_runner().invoke(args=["kefu", "phone", "--from", "13900139000", *args])


def test_a_caller_pressing_1_hears_the_greeting_and_menu_and_reaches_a_ready_agent(
    app, phone_lines, branch, agent, db, clock
):
    set_presence(db.session, agent, "ready")
    db.session.commit()

    result = phone(app, "--press", "1")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"heard: 您好，某某证券{branch.name}！",
        MENU,
        "pressed: 1",
        "heard: 请稍等",
        f"dialled client:agent-{agent.job_no}: client:agent-{agent.job_no} answered",
    ]
    assert lines[-1].endswith(": completed, 39 s")
    call = db.session.scalar(select(Call))
    assert (call.from_number, call.to_number, call.agent_id) == ("+8613900139000", phone_lines["hotline"], agent.id)
    assert (call.status, call.outcome, call.duration_seconds) == ("completed", "answered", 39)


def test_a_caller_at_night_hears_no_menu(app, phone_lines, db, clock):
    result = phone(app, "--at", "2026-11-23T22:00:00+08:00", "--hangup-after", "2")

    assert result.exit_code == 0, result.output
    assert MENU not in result.output.splitlines()
    assert result.output.splitlines()[0].startswith("heard: 您好")
    assert clock.at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # the clock is given back


def test_a_bad_instant_is_refused(app, db):
    result = phone(app, "--at", "tonight")

    assert result.exit_code == 2
    assert "not an ISO 8601 instant" in result.output
