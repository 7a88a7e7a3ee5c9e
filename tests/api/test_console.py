import re

import pytest
from flask import g
from flask.testing import FlaskClient


class BrowserLikeClient(FlaskClient):
    """Each request resolves its caller afresh, as in a real server.

    The ``db`` fixture keeps one app context open for the test and the test client reuses it,
    so ``flask.g`` (where ``crm.auth`` caches the caller) would otherwise outlive a request.
    """

    def open(self, *args, **kwargs):
        g.pop("staff", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db, signin_budget):
    return BrowserLikeClient(app, app.response_class, use_cookies=True)


def _csrf(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _sign_in(client, staff, password="correct horse"):
    token = _csrf(client)
    return client.post("/login", data={"job_no": staff.job_no, "password": password, "csrf_token": token})


def test_home_sends_a_stranger_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_sign_in_with_the_right_password_opens_the_home_page(client, agent):
    response = _sign_in(client, agent)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert agent.name in page
    assert agent.job_no in page
    assert agent.branch.name in page
    assert "/api/docs" in page


def test_a_wrong_password_is_refused_and_signs_nobody_in(client, agent):
    response = _sign_in(client, agent, password="wrong password")
    assert response.status_code == 401
    assert "工号或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_in_without_the_csrf_token_is_400_and_signs_nobody_in(client, agent):
    client.get("/login")
    response = client.post("/login", data={"job_no": agent.job_no, "password": "correct horse"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(client, agent):
    _sign_in(client, agent)
    response = client.post("/logout", data={"csrf_token": _csrf(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sign_out_without_the_csrf_token_keeps_the_session(client, agent):
    _sign_in(client, agent)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_an_agent_sees_own_customers_only_with_full_phones(client, make, branch, agent):
    mine = make.customer(manager=agent, phones=("13800138000",), name="张三", is_vip=True, risk_tolerance="medium")
    colleague = make.staff(role="agent", branch=branch)
    make.customer(manager=colleague, name="李四")
    _sign_in(client, agent)

    page = client.get("/customers").get_data(as_text=True)

    assert mine.name in page
    assert "+8613800138000" in page
    assert "medium" in page
    assert mine.customer_class in page
    assert "李四" not in page


def test_a_supervisor_sees_the_whole_branch_but_not_other_branches(client, make, branch, supervisor, agent):
    make.customer(manager=agent, name="张三")
    make.customer(branch=branch, name="王五")
    make.customer(branch=make.branch(), name="赵六")
    _sign_in(client, supervisor)

    page = client.get("/customers").get_data(as_text=True)

    assert "张三" in page and "王五" in page
    assert "赵六" not in page


@pytest.mark.parametrize("count, pages", [(3, 1), (51, 2)])
def test_the_customer_table_pages_by_fifty(client, make, agent, count, pages):
    for _ in range(count):
        make.customer(manager=agent)
    _sign_in(client, agent)

    first = client.get("/customers").get_data(as_text=True)

    assert f"({count})" in first
    assert ('rel="next"' in first) == (pages > 1)
    assert first.count('<td class="class">') == min(count, 50)


def test_the_customer_list_says_when_an_assessment_awaits_confirmation(client, db, make, agent):
    from crm.services.customers.questionnaire import submit_assessment
    from tests.unit.test_questionnaire import HIGHEST

    customer = make.customer(manager=agent, risk_tolerance="low")
    submit_assessment(db.session, agent, customer, HIGHEST)
    db.session.commit()
    _sign_in(client, agent)
    assert 'class="pending"' in client.get("/customers").get_data(as_text=True)
