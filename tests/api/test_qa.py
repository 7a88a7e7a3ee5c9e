"""The QA API: admins keep the phrases; results are listed by scope; each flag is reviewed once."""

import pytest

from crm.services.quality import qa_checks
from crm.services.quality.qa_phrases import ensure_default_phrases
from tests.conftest import auth
from tests.qa_factories import GREETING, agent_call

API = "/api/v1/qa"


@pytest.fixture
def phrases(db):
    ensure_default_phrases(db.session)
    db.session.commit()


@pytest.fixture
def flagged(db, phrases, agent, clock):
    """A checked call of ``agent`` with two flags: no closing, and a forbidden phrase."""
    call = agent_call(db.session, agent, GREETING, "你有完没完？")
    qa_checks.sweep(db.session)
    db.session.commit()
    return call


def test_an_admin_adds_edits_and_deactivates_a_phrase_which_others_only_read(client, admin, supervisor, phrases):
    added = client.post(f"{API}/phrases", json={"kind": "forbidden", "text": "没办法！"}, headers=auth(admin))
    assert added.status_code == 201
    assert (added.get_json()["match_mode"], added.get_json()["is_active"]) == ("clause", True)
    again = client.post(f"{API}/phrases", json={"kind": "forbidden", "text": "没办法！"}, headers=auth(admin))
    assert again.status_code == 409
    refused = client.post(f"{API}/phrases", json={"kind": "forbidden", "text": "滚"}, headers=auth(supervisor))
    assert refused.status_code == 403

    phrase_id = added.get_json()["id"]
    patched = client.patch(f"{API}/phrases/{phrase_id}", json={"is_active": False}, headers=auth(admin))
    assert patched.status_code == 200 and patched.get_json()["is_active"] is False
    listed = client.get(f"{API}/phrases", query_string={"kind": "forbidden"}, headers=auth(supervisor)).get_json()
    assert len(listed) == 19 and {p["kind"] for p in listed} == {"forbidden"}


def test_a_result_shows_its_flags_and_the_transcript(client, supervisor, flagged):
    [item] = client.get(f"{API}/results", query_string={"passed": "false"}, headers=auth(supervisor)).get_json()[
        "items"
    ]

    detail = client.get(f"{API}/results/{item['id']}", headers=auth(supervisor)).get_json()

    assert [flag["rule"] for flag in detail["flags"]] == ["closing_missing", "forbidden_phrase"]
    assert [(u["speaker"], u["offset_seconds"]) for u in detail["transcript"]] == [("agent", 4), ("agent", 8)]
    transcript = client.get(f"/api/v1/calls/{flagged.id}/transcript", headers=auth(supervisor)).get_json()
    assert [u["text"] for u in transcript] == [u["text"] for u in detail["transcript"]]


def test_each_flag_is_reviewed_once_and_the_call_passes_when_every_flag_is_dismissed(client, supervisor, flagged):
    [item] = client.get(f"{API}/results", headers=auth(supervisor)).get_json()["items"]
    first, second = (flag["id"] for flag in item["flags"])
    review = {"decision": "dismissed", "comment": "转写有误"}

    assert client.post(f"{API}/flags/{first}/review", json=review, headers=auth(supervisor)).status_code == 200
    repeat = client.post(
        f"{API}/flags/{first}/review", json={**review, "decision": "confirmed"}, headers=auth(supervisor)
    )
    assert repeat.status_code == 409
    midway = client.get(f"{API}/results/{item['id']}", headers=auth(supervisor)).get_json()
    assert (midway["state"], midway["passed"]) == ("open", False)

    done = client.post(f"{API}/flags/{second}/review", json=review, headers=auth(supervisor)).get_json()
    assert (done["decision"], done["comment"], done["reviewed_by_id"]) == ("dismissed", "转写有误", supervisor.id)
    result = client.get(f"{API}/results/{item['id']}", headers=auth(supervisor)).get_json()
    assert (result["state"], result["passed"]) == ("reviewed", True)


def test_nobody_reviews_the_flags_of_their_own_call(client, db, phrases, supervisor, admin):
    agent_call(db.session, supervisor, GREETING, "你有完没完？", sid="CA-qa-own")
    qa_checks.sweep(db.session)
    db.session.commit()
    [item] = client.get(f"{API}/results", headers=auth(supervisor)).get_json()["items"]
    flag = item["flags"][0]["id"]
    review = {"decision": "dismissed", "comment": "自己的电话"}
    assert client.post(f"{API}/flags/{flag}/review", json=review, headers=auth(supervisor)).status_code == 403
    assert client.post(f"{API}/flags/{flag}/review", json=review, headers=auth(admin)).status_code == 200
