"""The desk during and after a call: the card by call (masks, who may open it), the greeting panel, the
wrap-up (one transaction, 409 twice) and presence refused until the wrap-up is saved."""

from datetime import UTC, datetime, timedelta

import pytest

from crm.models import Call, Case, Customer, Visit
from crm.services.calls import call_log
from crm.services.cases import workflow
from tests.api.identity import as_
from tests.api.test_console import BrowserLikeClient, _csrf, _sign_in

SHARED_NUMBER = "13900139000"
CALLER = "+8613900139000"
PRESENCE = "/api/v1/softphone/presence"


@pytest.fixture
def log_call(db, branch, clock):
    """An inbound call of ``branch`` the IVR tied to ``customer`` (None: nobody known), answered by ``agent``."""

    def log(sid, agent=None, customer=None, branch_=None, ringing=None):
        call = call_log.record_call(
            db.session,
            sid,
            "inbound",
            from_number=CALLER,
            to_number="+862150508888",
            line="hotline",
            branch_id=(branch_ or branch).id,
            agent_id=agent.id if agent else None,
            customer_id=customer.id if customer else None,
        )
        if ringing is not None:
            call_log.record_event(db.session, call, f"ring:{ringing.id}", kind="ringing_agent", agent_id=ringing.id)
        call.talk_seconds = 120
        db.session.commit()
        return call

    return log


@pytest.fixture
def signed_in(app, db, signin_budget):
    """A browser-like client signed in as ``staff``, with the CSRF token its posts send."""

    def sign_in(staff):
        client = BrowserLikeClient(app, app.response_class, use_cookies=True)
        assert _sign_in(client, staff).status_code == 302
        client.environ_base["HTTP_X_CSRF_TOKEN"] = _csrf(client, "/desk")
        return client

    return sign_in


def card(client, sid, staff):
    return client.get(f"/desk/calls/{sid}/card", headers=as_(staff))


# --- the card --------------------------------------------------------------------------------


def test_the_card_pops_the_customer_the_ivr_chose_not_another_with_the_same_number(client, make, agent, log_call):
    chosen = make.customer(manager=agent, phones=(SHARED_NUMBER,), name="甲客户", is_vip=True, risk_tolerance="medium")
    make.customer(manager=agent, phones=(SHARED_NUMBER,), name="乙客户")
    log_call("CA-card-1", agent=agent, customer=chosen)
    response = card(client, "CA-card-1", agent)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "甲客户" in html and "乙客户" not in html
    assert f'href="/customers/{chosen.id}"' in html
    assert "VIP" in html
    assert "310101199001011234" in html  # the manager sees the ID number in full
    assert CALLER in html


def test_an_agent_routed_a_colleagues_customer_sees_the_card_masked(client, make, agent, branch, log_call):
    colleague = make.staff(branch=branch)
    customer = make.customer(manager=colleague, phones=(SHARED_NUMBER,), name="丙客户")
    log_call("CA-card-2", agent=agent, customer=customer)
    html = card(client, "CA-card-2", agent).get_data(as_text=True)
    assert "丙客户" in html
    assert 'data-field="masked"' in html
    assert "310101199001011234" not in html
    assert CALLER not in html and "13900139000" not in html
    assert "9000" in html  # the phones keep their last digits


def test_the_card_lists_open_cases_with_the_overdue_mark_visits_calls_and_suitable_products(
    db, client, clock, make, agent, log_call
):
    customer = make.customer(manager=agent, risk_tolerance="low")
    make.visit(agent, customer, summary="上次回访")
    make.product(risk_level="low", name="货币基金甲")
    make.product(risk_level="high", name="高风险产品乙")
    today = clock.at
    clock.set(today - timedelta(days=30))  # a month ago: the case's clocks have run out since
    case = workflow.open_case(
        db.session, agent, {"kind": "inquiry", "channel": "phone", "subject": "咨询开户", "customer_id": customer.id}
    )
    db.session.commit()
    log_call("CA-old", agent=agent, customer=customer)
    clock.set(today)
    log_call("CA-card-3", agent=agent, customer=customer)
    html = card(client, "CA-card-3", agent).get_data(as_text=True)
    assert f"#{case.id} 咨询开户" in html
    assert "overdue-mark" in html
    assert "上次回访" in html
    calls = html[html.index('data-field="calls"') : html.index("</ul>", html.index('data-field="calls"'))]
    assert calls.count("<li>") == 1  # the earlier call, not this one
    assert "货币基金甲" in html and "高风险产品乙" not in html


def test_an_unknown_caller_pops_the_prospect_form_and_the_new_customer_is_linked(db, make, agent, log_call, signed_in):
    log_call("CA-new", agent=agent)
    client = signed_in(agent)
    html = client.get("/desk/calls/CA-new/card").get_data(as_text=True)
    assert 'id="prospect-form"' in html
    assert CALLER in html  # the agent on the call sees the caller's number
    created = client.post(
        "/api/v1/customers", json={"name": "新客户", "status": "prospect", "phones": [{"number": CALLER}]}
    )
    assert created.status_code == 201, created.get_json()
    customer_id = created.get_json()["id"]
    linked = client.post("/desk/calls/CA-new/customer", json={"customer_id": customer_id})
    assert linked.status_code == 200, linked.get_json()
    assert db.session.scalar(Call.__table__.select().with_only_columns(Call.customer_id).where(Call.sid == "CA-new"))
    assert client.post("/desk/calls/CA-new/customer", json={"customer_id": customer_id}).status_code == 409
    assert "新客户" in client.get("/desk/calls/CA-new/card").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "relation", "status"),
    [
        ("agent", "own", 200),
        ("agent", "same_branch", 403),
        ("agent", "other_branch", 403),
        ("supervisor", "own", 200),
        ("supervisor", "same_branch", 200),
        ("supervisor", "other_branch", 403),
        ("admin", "other_branch", 200),
    ],
)
def test_who_may_load_a_calls_card(client, make, branch, log_call, role, relation, status):
    routed = make.staff(branch=branch)
    viewer = make.staff(role=role, branch=None if role == "admin" else branch)
    if relation == "other_branch" and role != "admin":
        viewer = make.staff(role=role, branch=make.branch())
    customer = make.customer(manager=routed)
    log_call("CA-matrix", agent=viewer if relation == "own" else routed, customer=customer)
    assert card(client, "CA-matrix", viewer).status_code == status
    for part in ("greeting", "wrap-up"):
        assert client.get(f"/desk/calls/CA-matrix/{part}", headers=as_(viewer)).status_code == status


def test_a_ringing_call_is_the_rung_agents_before_anyone_answers(client, make, agent, branch, log_call):
    other = make.staff(branch=branch)
    log_call("CA-ring", customer=make.customer(manager=other), ringing=agent)
    assert card(client, "CA-ring", agent).status_code == 200
    assert card(client, "CA-ring", other).status_code == 403
    assert card(client, "CA-unknown", agent).status_code == 404


# --- the greeting ----------------------------------------------------------------------------


def test_the_greeting_has_the_agents_job_number_readback_and_forbidden_phrases(client, agent, scripts, log_call):
    log_call("CA-greet", agent=agent)
    html = client.get("/desk/calls/CA-greet/greeting", headers=as_(agent)).get_data(as_text=True)
    assert f"工号{agent.job_no}" in html
    assert "您好，" in html and 'data-field="holiday"' not in html
    assert "<details" in html and "你有完没完？" in html
    for prompt in ("问题", "地址", "姓名", "电话"):
        assert prompt in html


def test_on_a_holiday_the_greeting_is_the_holiday_variant(client, clock, agent, scripts):
    clock.set(datetime(2026, 10, 2, 2, 0, tzinfo=UTC))
    html = client.get("/desk/greeting", headers=as_(agent)).get_data(as_text=True)
    assert "国庆节快乐！" in html and f"工号{agent.job_no}" in html
    assert 'data-field="holiday"' in html


# --- the wrap-up -----------------------------------------------------------------------------


def test_the_wrap_up_saves_the_call_and_links_the_visit_and_case_it_opened(db, make, agent, log_call, signed_in):
    customer = make.customer(manager=agent)
    log_call("CA-wrap", agent=agent, customer=customer)
    client = signed_in(agent)
    assert 'name="disposition"' in client.get("/desk/calls/CA-wrap/wrap-up").get_data(as_text=True)
    body = {
        "disposition": "visit_logged",
        "notes": "客户来电，身份证 310101199001011234",
        "log_visit": True,
        "visit_summary": "电话回访",
        "visit_channel": "phone",
        "open_case": True,
        "case_kind": "inquiry",
        "case_subject": "咨询",
    }
    response = client.post("/desk/calls/CA-wrap/wrap-up", json=body)
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    call = db.session.query(Call).filter_by(sid="CA-wrap").one()
    visit = db.session.get(Visit, call.visit_id)
    assert call.disposition == "visit_logged" and call.wrapped_up_at is not None
    assert "310101199001011234" not in call.wrap_up_notes and call.wrap_up_notes.endswith("1234")
    assert visit.summary == "电话回访" and visit.call_sid == "CA-wrap" and visit.duration_minutes == 2
    assert db.session.get(Case, call.case_id).subject == "咨询"
    again = client.post("/desk/calls/CA-wrap/wrap-up", json=body)
    assert again.status_code == 409
    assert db.session.query(Visit).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"disposition": "nonsense"}, "disposition"),
        ({"disposition": "visit_logged"}, "disposition"),
        ({"disposition": "resolved", "log_visit": True}, "visit_summary"),
        (
            {
                "disposition": "resolved",
                "open_case": True,
                "case_kind": "inquiry",
                "case_subject": "x",
                "log_visit": True,
                "visit_summary": "ok",
                "visit_purpose": "bogus",
            },
            "visit_purpose",
        ),
        (
            {
                "disposition": "resolved",
                "open_case": True,
                "case_kind": "complaint",
                "case_subject": "投诉",
                "log_visit": True,
                "visit_summary": "ok",
            },
            "case_demand",
        ),
        ({"disposition": "callback_booked", "book_callback": True, "callback_at": "2020-01-01T10:00"}, "callback_at"),
    ],
)
def test_bad_wrap_up_input_names_the_field_and_writes_nothing(db, make, agent, log_call, signed_in, body, field):
    log_call("CA-bad", agent=agent, customer=make.customer(manager=agent))
    response = signed_in(agent).post("/desk/calls/CA-bad/wrap-up", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    db.session.expire_all()
    call = db.session.query(Call).filter_by(sid="CA-bad").one()
    assert call.wrapped_up_at is None and call.case_id is None and call.visit_id is None
    assert db.session.query(Visit).count() == 0 and db.session.query(Case).count() == 0


def test_a_callback_is_booked_in_the_installations_time(db, make, agent, log_call, signed_in):
    log_call("CA-back", agent=agent, customer=make.customer(manager=agent))
    body = {"disposition": "callback_booked", "book_callback": True, "callback_at": "2026-11-23T15:30"}
    assert signed_in(agent).post("/desk/calls/CA-back/wrap-up", json=body).status_code == 200
    db.session.expire_all()
    call = db.session.query(Call).filter_by(sid="CA-back").one()
    assert call.callback_at.astimezone(UTC) == datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def test_only_the_agent_who_took_the_call_wraps_it_up(make, agent, supervisor, log_call, signed_in):
    log_call("CA-theirs", agent=agent, customer=make.customer(manager=agent))
    response = signed_in(supervisor).post("/desk/calls/CA-theirs/wrap-up", json={"disposition": "resolved"})
    assert response.status_code == 403


def test_the_wrap_up_post_needs_the_csrf_token(make, agent, log_call, signed_in):
    log_call("CA-csrf", agent=agent)
    client = signed_in(agent)
    client.environ_base.pop("HTTP_X_CSRF_TOKEN")
    assert client.post("/desk/calls/CA-csrf/wrap-up", json={"disposition": "resolved"}).status_code == 400


# --- presence --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_presence_ready_is_refused_until_the_answered_call_is_wrapped_up(
    db, client, make, branch, log_call, signed_in, role
):
    person = make.staff(role=role, branch=branch)
    assert client.put(PRESENCE, json={"presence": "ready"}, headers=as_(person)).status_code == 200
    log_call("CA-presence", agent=person)
    refused = client.put(PRESENCE, json={"presence": "ready"}, headers=as_(person))
    assert refused.status_code == 409
    assert "wrap up" in refused.get_json()["error"]["message"].lower()
    assert client.put(PRESENCE, json={"presence": "wrap_up"}, headers=as_(person)).status_code == 200
    assert (
        signed_in(person).post("/desk/calls/CA-presence/wrap-up", json={"disposition": "wrong_number"}).status_code
        == 200
    )
    assert client.put(PRESENCE, json={"presence": "ready"}, headers=as_(person)).status_code == 200
    assert db.session.query(Customer).count() == 0


def test_a_supervisor_of_the_branch_sees_the_card_unmasked_and_another_branchs_customer_is_not_shown(
    client, make, agent, supervisor, log_call
):
    customer = make.customer(manager=make.staff(branch=agent.branch), name="丁客户")
    log_call("CA-sup", agent=agent, customer=customer)
    html = card(client, "CA-sup", supervisor).get_data(as_text=True)
    assert "丁客户" in html and "310101199001011234" in html and 'data-field="masked"' not in html
    stranger = make.customer(branch=make.branch(), name="戊客户")
    log_call("CA-elsewhere", agent=agent, customer=stranger)
    html = card(client, "CA-elsewhere", agent).get_data(as_text=True)
    assert "戊客户" not in html and 'data-field="other_branch"' in html


def test_the_card_speaks_english_when_asked(client, make, agent, log_call):
    log_call("CA-en", agent=agent, customer=make.customer(manager=agent))
    client.set_cookie("kefu_lang", "en")
    html = card(client, "CA-en", agent).get_data(as_text=True)
    assert "Open cases" in html and "未结工单" not in html


def test_a_refused_visit_rolls_back_the_case_opened_with_it(db, make, agent, branch, log_call, signed_in):
    """An agent may not log a visit on a colleague's customer (the visits rule): the case goes too."""
    log_call("CA-refused", agent=agent, customer=make.customer(manager=make.staff(branch=branch)))
    body = {
        "disposition": "case_opened",
        "open_case": True,
        "case_kind": "inquiry",
        "case_subject": "咨询",
        "log_visit": True,
        "visit_summary": "回访",
    }
    response = signed_in(agent).post("/desk/calls/CA-refused/wrap-up", json=body)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.query(Case).count() == 0 and db.session.query(Visit).count() == 0
    assert db.session.query(Call).filter_by(sid="CA-refused").one().wrapped_up_at is None


def test_an_unknown_callers_case_keeps_the_callers_number(db, agent, log_call, signed_in):
    log_call("CA-anon", agent=agent)
    body = {"disposition": "case_opened", "open_case": True, "case_kind": "inquiry", "case_subject": "咨询"}
    assert signed_in(agent).post("/desk/calls/CA-anon/wrap-up", json=body).status_code == 200
    db.session.expire_all()
    call = db.session.query(Call).filter_by(sid="CA-anon").one()
    assert db.session.get(Case, call.case_id).caller_number == CALLER


def test_a_call_answered_long_ago_without_wrap_up_no_longer_blocks_ready(client, clock, agent, log_call):
    log_call("CA-forgotten", agent=agent)
    assert client.put(PRESENCE, json={"presence": "ready"}, headers=as_(agent)).status_code == 409
    clock.advance(timedelta(hours=13))
    assert client.put(PRESENCE, json={"presence": "ready"}, headers=as_(agent)).status_code == 200
