"""The agent's own work in the console (issue 12): the desk's panels (my cases, my inbox, my quota progress,
my call list), the inbox page, customer search and the customer page, each under the API's access rules."""

import re

import pytest

from crm.models import Notification
from crm.services.activity import cadence, quotas
from crm.services.cases import workflow
from tests.api.test_console import _sign_in, client  # noqa: F401  (the browser-like client fixture)
from tests.times import sh

FULL_PHONE = "+8613912345678"
FULL_ID = "310101199001011234"


def _open_case(db, owner, subject, due_at):
    """A case of ``owner`` whose running clocks are all due at ``due_at``."""
    case = workflow.open_case(db.session, owner, {"kind": "inquiry", "channel": "phone", "subject": subject})
    for deadline in case.deadlines:
        deadline.due_at = due_at
    db.session.commit()
    return case


def _notice(db, recipient, text, at, case=None, read=False):
    notice = Notification(
        recipient_id=recipient.id,
        case_id=case.id if case else None,
        kind="care_reminder",
        text=text,
        dedupe_key=f"test:{text}:{recipient.id}",
        created_at=at,
        read_at=at if read else None,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


# The desk's panels ------------------------------------------------------------------------------


@pytest.mark.parametrize("panel", ["cases", "inbox", "quotas", "call-list"])
def test_a_panel_answers_401_to_a_stranger(client, panel):  # noqa: F811
    assert client.get(f"/desk/panels/{panel}").status_code == 401


def test_the_desk_loads_the_four_panels(client, agent):  # noqa: F811
    _sign_in(client, agent)
    page = client.get("/desk").get_data(as_text=True)
    for panel in ("cases", "inbox", "quotas", "call-list"):
        assert f'hx-get="/desk/panels/{panel}"' in page
    assert "kefu:saved from:body" in page


def test_my_cases_are_sorted_by_due_time_with_their_clocks(client, db, make, branch, agent, clock):  # noqa: F811
    later = _open_case(db, agent, "later one", sh(11, 25, 10))
    overdue = _open_case(db, agent, "overdue one", sh(11, 23, 9))
    sooner = _open_case(db, agent, "sooner one", sh(11, 23, 11))
    stopped = _open_case(db, agent, "clocks stopped", sh(11, 23, 8))
    for deadline in stopped.deadlines:
        deadline.met_at = sh(11, 23, 7)
    db.session.commit()
    colleague = make.staff(role="agent", branch=branch)
    _open_case(db, colleague, "not mine", sh(11, 23, 9, 30))
    _sign_in(client, agent)

    html = client.get("/desk/panels/cases").get_data(as_text=True)

    ids = [int(found) for found in re.findall(r'data-case-id="(\d+)"', html)]
    assert ids == [overdue.id, sooner.id, later.id, stopped.id]
    assert "not mine" not in html
    assert html.count('class="overdue-mark"') == 1
    assert "已逾期 1 小时 0 分钟" in html  # Chinese is the default language
    assert "剩余 1 小时 0 分钟（工作时间）" in html


def test_my_inbox_shows_my_notices_newest_first_unread_marked(client, db, make, branch, agent):  # noqa: F811
    case = _open_case(db, agent, "a case", sh(11, 30, 10))
    _notice(db, agent, "older read notice", sh(11, 20, 9), read=True)
    _notice(db, agent, "newer unread notice", sh(11, 22, 9), case=case)
    _notice(db, make.staff(role="agent", branch=branch), "someone else's notice", sh(11, 22, 10))
    _sign_in(client, agent)

    for url in ("/desk/panels/inbox", "/inbox"):
        html = client.get(url).get_data(as_text=True)
        assert html.index("newer unread notice") < html.index("older read notice")
        assert "someone else's notice" not in html
        assert f'data-case-id="{case.id}"' in html
        assert html.count('class="unread-mark"') == 1
        assert html.count('/read"') == 1  # one "mark read" form: the unread notice's


def test_the_inbox_is_in_everyones_menu(client, supervisor):  # noqa: F811
    _sign_in(client, supervisor)
    assert 'href="/inbox"' in client.get("/board").get_data(as_text=True)


def test_my_quota_progress_shows_today_and_this_week(client, db, supervisor, agent, clock):  # noqa: F811
    quotas.set_target(db.session, supervisor, "contact_calls", "day", 5, staff_id=agent.id)
    quotas.set_target(db.session, supervisor, "contact_calls", "week", 20, staff_id=agent.id)
    db.session.commit()
    _sign_in(client, agent)

    html = client.get("/desk/panels/quotas").get_data(as_text=True)

    day = re.search(r'data-kind="contact_calls" data-period="day">(.*?)</tr>', html, re.S).group(1)
    week = re.search(r'data-kind="contact_calls" data-period="week">(.*?)</tr>', html, re.S).group(1)
    assert "<td>5</td>" in day and "<td>20</td>" in week


def test_my_call_list_is_most_overdue_first_with_click_to_call(client, db, make, branch, agent, clock):  # noqa: F811
    cadence.ensure_default_cadences(db.session)
    less = make.customer(manager=agent, created_at=sh(6, 1, 10))
    more = make.customer(manager=agent, created_at=sh(1, 5, 10))
    make.customer(manager=make.staff(role="agent", branch=branch), created_at=sh(1, 5, 10), name="别人的客户")
    _sign_in(client, agent)

    html = client.get("/desk/panels/call-list").get_data(as_text=True)

    assert [int(i) for i in re.findall(r'data-click-to-call="(\d+)"', html)] == [more.id, less.id]
    assert f'href="/customers/{more.id}"' in html
    assert "别人的客户" not in html


# Customer search --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["王小明", "A99887766", "139-1234-5678", "+86 139 1234 5678"])
def test_the_search_finds_by_name_account_or_phone(client, make, agent, query):  # noqa: F811
    wanted = make.customer(manager=agent, name="王小明", account_no="A99887766", phones=("13912345678",))
    make.customer(manager=agent, name="李大华")
    _sign_in(client, agent)

    html = client.get("/customers", query_string={"q": query}).get_data(as_text=True)

    assert re.findall(r'data-customer-id="(\d+)"', html) == [str(wanted.id)]


def test_the_search_never_finds_a_customer_the_api_would_not_list(client, make, branch, agent):  # noqa: F811
    make.customer(manager=make.staff(role="agent", branch=branch), name="王小明")
    _sign_in(client, agent)
    html = client.get("/customers", query_string={"q": "王小明"}).get_data(as_text=True)
    assert "data-customer-id" not in html and "<td>" not in html


# The customer page ------------------------------------------------------------------------------


@pytest.fixture
def world(make, branch, agent, supervisor, admin):
    """The agent's customer, and the people who may or may not open it."""
    customer = make.customer(manager=agent, phones=("13912345678",), id_number=FULL_ID, name="王小明")
    other_branch = make.branch()
    return {
        "customer": customer,
        "agent (manager)": agent,
        "agent (same branch)": make.staff(role="agent", branch=branch),
        "agent (other branch)": make.staff(role="agent", branch=other_branch),
        "supervisor (same branch)": supervisor,
        "supervisor (other branch)": make.staff(role="supervisor", branch=other_branch),
        "admin": admin,
    }


@pytest.mark.parametrize(
    "who, status",
    [
        ("agent (manager)", 200),
        ("agent (same branch)", 403),
        ("agent (other branch)", 403),
        ("supervisor (same branch)", 200),
        ("supervisor (other branch)", 403),
        ("admin", 200),
    ],
)
def test_the_customer_page_answers_as_the_api_does(client, world, who, status):  # noqa: F811
    from tests.api.identity import as_

    customer, viewer = world["customer"], world[who]
    api = client.get(f"/api/v1/customers/{customer.id}", headers=as_(viewer)).status_code
    _sign_in(client, viewer)

    page = client.get(f"/customers/{customer.id}")
    panel = client.get(f"/customers/{customer.id}/panels/audit")
    html = page.get_data(as_text=True)

    assert page.status_code == panel.status_code == api == status
    assert (FULL_PHONE in html) == (FULL_ID in html) == (status == 200)
    if status == 200:
        assert "王小明" in html
    else:
        assert "王小明" not in html


def test_a_customer_that_does_not_exist_is_404(client, agent):  # noqa: F811
    _sign_in(client, agent)
    assert client.get("/customers/999999").status_code == 404


def test_the_customer_page_has_its_forms_on_the_api(client, make, agent, world):  # noqa: F811
    customer = world["customer"]
    _sign_in(client, agent)

    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)

    api = f"/api/v1/customers/{customer.id}"
    assert f'data-api="{api}" data-method="PATCH"' in html
    assert f'data-api="{api}/assessments"' in html
    assert html.count('<fieldset data-question="') == 12
    assert 'name="answers.q9" value="A" data-type="multi"' in html
    assert f'data-api="{api}/dates"' in html
    assert 'data-api="/api/v1/visits"' in html
    assert html.count('role="alert"') >= 4  # edit, questionnaire, visit, date


def test_the_page_shows_visits_recommendations_and_the_audit_trail(client, db, make, agent, world):  # noqa: F811
    from crm.services.customers import records, suitability

    customer = world["customer"]
    make.visit(agent, customer, summary="谈了基金")
    safe, risky = make.product(risk_level="low"), make.product(risk_level="high")
    suitability.recommend(db.session, agent, customer, safe, note="稳健")
    records.update_customer(db.session, agent, customer, {"email": "new@example.com"}, evidence="CA-1")
    db.session.commit()
    _sign_in(client, agent)

    html = client.get(f"/customers/{customer.id}").get_data(as_text=True)

    assert "谈了基金" in html and "稳健" in html
    assert f'data-product-id="{risky.id}" class="unsuitable"' in html
    assert f'data-product-id="{safe.id}" class="suitable"' in html
    audit = client.get(f"/customers/{customer.id}/panels/audit").get_data(as_text=True)
    assert "new@example.com" in audit and "CA-1" in audit


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_a_supervisors_or_admins_panels_show_their_own_work_only(client, db, make, branch, agent, role):  # noqa: F811
    cadence.ensure_default_cadences(db.session)
    person = make.staff(role=role, branch=branch if role == "supervisor" else None)
    _open_case(db, agent, "the agent's case", sh(11, 23, 9))
    make.customer(manager=agent, created_at=sh(1, 5, 10), name="坐席的客户")
    _notice(db, agent, "the agent's notice", sh(11, 22, 9))
    _sign_in(client, person)

    pages = {panel: client.get(f"/desk/panels/{panel}") for panel in ("cases", "inbox", "quotas", "call-list")}

    assert {panel: page.status_code for panel, page in pages.items()} == dict.fromkeys(pages, 200)
    html = "".join(page.get_data(as_text=True) for page in pages.values())
    assert "the agent's case" not in html and "坐席的客户" not in html and "the agent's notice" not in html
