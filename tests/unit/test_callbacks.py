"""Callbacks booked in wrap-ups: owed until the agent calls that customer (or caller) back."""

from datetime import timedelta

from crm.core import clock
from crm.services.calls import call_log
from crm.services.calls.callbacks import owed_callbacks_query
from tests.api.test_console import _sign_in, client  # noqa: F401  (the browser-like client fixture)


def _booked(db, sid, agent, customer=None, hours=2, from_number="+8613900139000"):
    call = call_log.record_call(
        db.session,
        sid,
        "inbound",
        agent_id=agent.id,
        branch_id=agent.branch_id,
        customer_id=customer.id if customer else None,
        from_number=from_number,
    )
    call.wrapped_up_at = clock.now()
    call.disposition = "callback_booked"
    call.callback_at = clock.now() + timedelta(hours=hours)
    db.session.commit()
    return call


def _called(db, sid, agent, customer=None, to_number=None, minutes=1):
    call = call_log.record_call(
        db.session,
        sid,
        "outbound",
        agent_id=agent.id,
        customer_id=customer.id if customer else None,
        to_number=to_number,
    )
    call.started_at = clock.now() + timedelta(minutes=minutes)
    db.session.commit()


def _owed(db, agent):
    return [call.sid for call in db.session.scalars(owed_callbacks_query(agent))]


def test_a_booked_callback_is_owed_soonest_first_until_the_agent_calls_back(db, make, agent):
    later, sooner = make.customer(manager=agent), make.customer(manager=agent)
    _booked(db, "CA-later", agent, later, hours=5)
    _booked(db, "CA-sooner", agent, sooner, hours=1)
    assert _owed(db, agent) == ["CA-sooner", "CA-later"]

    _called(db, "CA-back", agent, sooner)
    assert _owed(db, agent) == ["CA-later"]


def test_a_call_before_the_wrap_up_or_by_someone_else_does_not_count(db, make, branch, agent):
    customer = make.customer(manager=agent)
    colleague = make.staff(branch=branch)
    _booked(db, "CA-owed", agent, customer)
    _called(db, "CA-before", agent, customer, minutes=-5)
    _called(db, "CA-colleague", colleague, customer)
    assert _owed(db, agent) == ["CA-owed"]
    assert _owed(db, colleague) == []


def test_a_caller_who_is_nobodys_customer_is_called_back_on_their_number(db, agent):
    _booked(db, "CA-stranger", agent, from_number="+8613700137000")
    _called(db, "CA-other", agent, to_number="+8613600136000")
    assert _owed(db, agent) == ["CA-stranger"]
    _called(db, "CA-back", agent, to_number="+8613700137000")
    assert _owed(db, agent) == []


def test_the_desk_panel_lists_my_owed_callbacks_with_click_to_call(client, db, make, agent):  # noqa: F811
    customer = make.customer(manager=agent, name="回电客户")
    _booked(db, "CA-panel", agent, customer)
    _sign_in(client, agent)
    html = client.get("/desk/panels/callbacks").get_data(as_text=True)
    assert "回电客户" in html and f'data-click-to-call="{customer.id}"' in html
    assert 'hx-get="/desk/panels/callbacks"' in client.get("/desk").get_data(as_text=True)
