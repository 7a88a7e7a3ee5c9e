"""Forbidden marketing words (issue 10 item 8): one checker refuses them in recommendations, case replies,
customer SMS and SMS templates with 422 naming the words; admins keep the list."""

import pytest

from crm.models import CaseReply, CustomerMessage, Recommendation
from crm.services.org.wording import ensure_default_words
from tests.api.identity import as_

WORDS = "/api/v1/marketing-words"


@pytest.fixture
def words(db):
    ensure_default_words(db.session)
    db.session.commit()


def refused_words(response):
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "forbidden_words"
    return error


def test_a_recommendation_with_a_forbidden_marketing_word_is_refused(client, db, make, agent, words):
    customer = make.customer(manager=agent, risk_tolerance="high")
    product = make.product(risk_level="high", category="equity")
    body = {"product_id": product.id, "note": "这只基金稳赚不赔，保证高收益"}
    response = client.post(f"/api/v1/customers/{customer.id}/recommendations", json=body, headers=as_(agent))
    error = refused_words(response)
    for word in ("稳赚", "保证", "高收益"):
        assert word in error["message"]
    assert "保证" in error["fields"]["note"][0]
    assert db.session.query(Recommendation).count() == 0
    body["note"] = "请结合自身风险承受能力决定"
    response = client.post(f"/api/v1/customers/{customer.id}/recommendations", json=body, headers=as_(agent))
    assert response.status_code == 201


def test_a_case_reply_with_a_forbidden_marketing_word_is_refused(client, db, agent, words):
    case = client.post(
        "/api/v1/cases", json={"kind": "email_inquiry", "channel": "email", "subject": "咨询"}, headers=as_(agent)
    ).get_json()
    reply = {"channel": "email", "text": "该产品无风险，请放心"}
    error = refused_words(client.post(f"/api/v1/cases/{case['id']}/reply", json=reply, headers=as_(agent)))
    assert "无风险" in error["fields"]["text"][0]
    assert db.session.query(CaseReply).count() == 0


def test_a_customer_sms_with_a_forbidden_marketing_word_is_refused(client, db, make, agent, words, clock):
    customer = make.customer(manager=agent)
    body = {"text": "新产品承诺收益8%，欢迎咨询"}
    error = refused_words(client.post(f"/api/v1/customers/{customer.id}/messages", json=body, headers=as_(agent)))
    assert "承诺收益" in error["message"]
    assert db.session.query(CustomerMessage).count() == 0


def test_a_template_with_a_forbidden_word_is_refused(client, admin, words):
    body = {"key": "promo", "name": "推广", "body": "尊敬的{name}，零风险理财来了"}
    assert "零风险" in refused_words(client.post("/api/v1/sms-templates", json=body, headers=as_(admin)))["message"]


def test_admins_edit_the_list_and_the_checker_follows_it(client, make, agent, admin, words):
    customer = make.customer(manager=agent)
    product = make.product(risk_level="low", category="money_market")
    recommend = {"product_id": product.id, "note": "收益有保险"}
    url = f"/api/v1/customers/{customer.id}/recommendations"
    assert client.post(url, json=recommend, headers=as_(agent)).status_code == 201

    assert client.post(WORDS, json={"word": "保险"}, headers=as_(agent)).status_code == 403
    added = client.post(WORDS, json={"word": "保险"}, headers=as_(admin))
    assert added.status_code == 201
    assert client.post(WORDS, json={"word": "保险"}, headers=as_(admin)).status_code == 409
    assert "保险" in refused_words(client.post(url, json=recommend, headers=as_(agent)))["message"]

    assert client.delete(f"{WORDS}/{added.get_json()['id']}", headers=as_(admin)).status_code == 204
    assert client.post(url, json=recommend, headers=as_(agent)).status_code == 201
    listed = [row["word"] for row in client.get(WORDS, headers=as_(agent)).get_json()]
    assert "稳赚" in listed and "保险" not in listed


def test_load_defaults_installs_the_words_once_and_keeps_edits(db):
    assert ensure_default_words(db.session) > 0
    db.session.commit()
    assert ensure_default_words(db.session) == 0
