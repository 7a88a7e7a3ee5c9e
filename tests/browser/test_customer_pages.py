"""The agent's own work and the customer page in a real browser (issue 12): what an agent may not see stays
out of the page, a refused change shows its error beside its field, the questionnaire submits, and the
desk's panels list my cases by due time."""

import re

from crm.models import Customer
from crm.services.cases import workflow
from tests.browser.conftest import sign_in
from tests.times import sh

PHONE = "13912345678"
FULL_PHONE = "+86" + PHONE
FULL_ID = "310101199001011234"


def test_an_agent_cannot_open_another_agents_customer_unmasked(live_server, page, make, branch, agent):
    colleague = make.staff(role="agent", branch=branch)
    theirs = make.customer(manager=colleague, phones=(PHONE,), id_number=FULL_ID, name="王小明")
    sign_in(page, live_server, agent.job_no)

    response = page.goto(f"{live_server}/customers/{theirs.id}")
    html = page.content()

    assert response.status == 403
    assert FULL_PHONE not in html and PHONE not in html and FULL_ID not in html and "王小明" not in html
    page.goto(f"{live_server}/customers?q={PHONE}")
    assert FULL_PHONE not in page.content() and "王小明" not in page.content()


def test_a_bad_value_shows_its_error_beside_the_field_and_changes_nothing(live_server, page, db, make, agent):
    customer = make.customer(manager=agent, email="old@example.com")
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/customers/{customer.id}")

    page.fill("#customer-edit input[name=email]", "not an e-mail")
    page.fill("#customer-edit input[name=evidence]", "call CA-1")
    page.click("#customer-edit button[type=submit]")

    error = page.locator("#customer-edit input[name=email] + .field-error")
    error.wait_for()
    assert error.text_content().strip()
    assert page.get_attribute("#customer-edit input[name=email]", "aria-invalid") == "true"
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).email == "old@example.com"


def test_the_questionnaire_submits(live_server, page, make, agent):
    customer = make.customer(manager=agent)
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/customers/{customer.id}")

    for fieldset in page.locator("#questionnaire fieldset").all():
        fieldset.locator("input[value=A]").check()
    page.click("#questionnaire button[type=submit]")

    page.locator("#panel-assessments [data-assessment-id]").wait_for()
    assert "待客户确认" in page.text_content("#panel-assessments")


def test_the_desk_lists_my_cases_by_due_time(live_server, page, db, agent):
    due = [sh(11, 30, 10), sh(11, 24, 10), sh(11, 27, 10)]
    ids = []
    for n, at in enumerate(due):
        case = workflow.open_case(db.session, agent, {"kind": "inquiry", "channel": "phone", "subject": f"问询{n}"})
        for deadline in case.deadlines:
            deadline.due_at = at
        ids.append(case.id)
    db.session.commit()
    sign_in(page, live_server, agent.job_no)

    page.goto(f"{live_server}/desk")
    page.locator("#my-cases [data-case-id]").first.wait_for()

    shown = [int(i) for i in re.findall(r'data-case-id="(\d+)"', page.inner_html("#my-cases"))]
    assert shown == [ids[1], ids[2], ids[0]]


def test_a_phone_change_needs_evidence_then_is_saved(live_server, page, db, make, agent):
    customer = make.customer(manager=agent, phones=(PHONE,))
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/customers/{customer.id}")

    page.fill("#customer-edit input[name='phones.1.number']", "13700001111")
    page.click("#customer-edit button[type=submit]")
    page.locator("#customer-edit input[name=evidence] + .field-error").wait_for()
    db.session.expire_all()
    assert [p.e164 for p in db.session.get(Customer, customer.id).phones] == [FULL_PHONE]

    page.fill("#customer-edit input[name=evidence]", "call CA-7")
    with page.expect_navigation():
        page.click("#customer-edit button[type=submit]")

    assert "+8613700001111" in page.text_content("[data-field=phones]")
    assert "call CA-7" in page.text_content("#panel-audit")


def test_a_visit_is_logged_from_the_customer_page(live_server, page, make, agent):
    customer = make.customer(manager=agent)
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/customers/{customer.id}")

    page.click("#panel-visits summary")
    page.fill("#visit-form input[name=started_at]", "2026-11-20T10:30")
    page.fill("#visit-form textarea[name=summary]", "谈了基金定投")
    page.click("#visit-form button[type=submit]")

    page.locator("#panel-visits [data-visit-id]").wait_for()
    assert "谈了基金定投" in page.text_content("#panel-visits")
    assert "2026-11-20 10:30" in page.text_content("#panel-visits")


def test_an_unsuitable_recommendation_is_refused_with_its_reason_until_acknowledged(live_server, page, make, agent):
    customer = make.customer(manager=agent, risk_tolerance="low")
    risky = make.product(risk_level="high")
    sign_in(page, live_server, agent.job_no)
    page.goto(f"{live_server}/customers/{customer.id}")

    assert "unsuitable" in page.get_attribute(f"[data-product-id='{risky.id}']", "class")
    page.select_option("#recommend-form select[name=product_id]", str(risky.id))
    page.click("#recommend-form button[type=submit]")
    alert = page.locator("#recommend-form [role=alert]")
    alert.filter(has_text="risk tolerance").wait_for()
    assert page.locator("#panel-recommendations [data-recommendation-id]").count() == 0

    page.fill("#recommend-form input[name='risk_acknowledgement.document_ref']", "RD-2026-7")
    page.click("#recommend-form button[type=submit]")

    page.locator("#panel-recommendations [data-recommendation-id]").wait_for()
    assert "RD-2026-7" in page.text_content("#panel-recommendations")
