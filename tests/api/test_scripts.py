"""Scripts API (admins manage phrases, variants and recordings) and the greeting preview (DOMAIN §6)."""

import io
from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import select

from crm.models import Script
from crm.services.calls.default_scripts import ensure_default_scripts, ensure_phone_lines
from tests.api.identity import as_

SCRIPTS = "/api/v1/scripts"
PREVIEW = "/api/v1/greetings/preview"


@pytest.fixture
def defaults(db, branch):
    ensure_default_scripts(db.session)
    ensure_phone_lines(
        db.session, [("+862150508888", "hotline", branch.id), ("+862150509999", "wealth_club", branch.id)]
    )
    db.session.commit()


def hotline_greeting(db):
    return db.session.scalars(
        select(Script).where(Script.purpose == "greeting", Script.line == "hotline", Script.valid_from.is_(None))
    ).one()


@pytest.mark.parametrize(
    ("line", "at", "text"),
    [
        ("hotline", "2026-10-01T10:00:00+08:00", "国庆节快乐！某某证券{branch}！"),
        ("hotline", "2026-02-17T10:00:00+08:00", "新年好！某某证券{branch}！"),
        ("hotline", "2026-11-23T10:00:00+08:00", "您好，某某证券{branch}！"),
        ("wealth_club", "2026-01-01T10:00:00+08:00", "新年好！这里是某某证券财富俱乐部！"),
        ("wealth_club", "2026-11-23T10:00:00+08:00", "您好，这里是某某证券财富俱乐部！"),
    ],
)
def test_preview_shows_what_plays_on_a_line_at_an_instant(client, defaults, agent, branch, line, at, text):
    response = client.get(PREVIEW, query_string={"line": line, "at": at}, headers=as_(agent))
    assert response.status_code == 200
    body = response.get_json()
    assert body["text"] == text.format(branch=branch.name)
    assert (body["plays"], body["audio_url"], body["branch"]) == ("text", None, branch.name)


def test_preview_says_when_the_recording_plays(client, defaults, admin, db):
    hotline_greeting(db).audio_url = "https://media.example.com/g.mp3"
    db.session.commit()
    body = client.get(PREVIEW, query_string={"line": "hotline", "at": "2026-11-23T10:00:00+08:00"}, headers=as_(admin))
    assert (body.get_json()["plays"], body.get_json()["audio_url"]) == ("audio", "https://media.example.com/g.mp3")


def test_preview_rejects_an_unknown_line_or_a_naive_time(client, defaults, agent):
    bad_line = client.get(PREVIEW, query_string={"line": "fax", "at": "2026-11-23T10:00:00+08:00"}, headers=as_(agent))
    naive = client.get(PREVIEW, query_string={"line": "hotline", "at": "2026-11-23T10:00:00"}, headers=as_(agent))
    assert bad_line.status_code == naive.status_code == 422
    assert "line" in bad_line.get_json()["error"]["fields"]


def test_admin_adds_a_holiday_variant_that_wins_inside_its_dates(client, defaults, admin, agent, branch):
    body = {
        "purpose": "greeting",
        "line": "hotline",
        "name": "greeting",
        "text": "元宵节快乐！某某证券{branch}！",
        "valid_from": "2026-03-03",
        "valid_to": "2026-03-03",
    }
    created = client.post(SCRIPTS, json=body, headers=as_(admin))
    assert created.status_code == 201
    on_day = client.get(
        PREVIEW, query_string={"line": "hotline", "at": "2026-03-03T10:00:00+08:00"}, headers=as_(agent)
    )
    after = client.get(PREVIEW, query_string={"line": "hotline", "at": "2026-03-04T10:00:00+08:00"}, headers=as_(agent))
    assert on_day.get_json()["text"] == f"元宵节快乐！某某证券{branch.name}！"
    assert after.get_json()["text"].startswith("您好")


def test_a_reversed_range_is_refused(client, defaults, admin):
    body = {
        "purpose": "greeting",
        "name": "greeting",
        "text": "x",
        "valid_from": "2026-03-05",
        "valid_to": "2026-03-03",
    }
    response = client.post(SCRIPTS, json=body, headers=as_(admin))
    assert response.status_code == 422
    assert "valid_to" in response.get_json()["error"]["fields"]


def test_admin_changes_text_and_audio_url_then_deletes(client, defaults, admin, db):
    script_id = hotline_greeting(db).id
    changed = client.patch(
        f"{SCRIPTS}/{script_id}",
        json={"text": "您好！", "audio_url": "https://m.example.com/a.wav"},
        headers=as_(admin),
    )
    assert changed.status_code == 200
    assert (changed.get_json()["text"], changed.get_json()["audio_url"]) == ("您好！", "https://m.example.com/a.wav")
    assert client.delete(f"{SCRIPTS}/{script_id}", headers=as_(admin)).status_code == 204
    assert client.get(f"{SCRIPTS}/{script_id}", headers=as_(admin)).status_code == 404


def test_agents_read_scripts_but_may_not_change_them(client, defaults, agent, db):
    listed = client.get(SCRIPTS, query_string={"purpose": "agent_pickup"}, headers=as_(agent))
    assert listed.status_code == 200
    assert {s["name"] for s in listed.get_json()} == {"agent_pickup"}
    assert len(listed.get_json()) == 6  # the standard phrase and five holiday variants
    script_id = hotline_greeting(db).id
    assert client.patch(f"{SCRIPTS}/{script_id}", json={"text": "喂"}, headers=as_(agent)).status_code == 403
    assert (
        client.post(SCRIPTS, json={"purpose": "menu", "name": "x", "text": "x"}, headers=as_(agent)).status_code == 403
    )
    assert client.get(SCRIPTS).status_code == 401


def test_uploaded_recording_is_stored_served_and_played(
    client, defaults, admin, db, app, signed_post, clock, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    script_id = hotline_greeting(db).id
    upload = {"file": (io.BytesIO(b"ID3fake-mp3"), "greeting.mp3")}
    response = client.post(
        f"{SCRIPTS}/{script_id}/audio", data=upload, content_type="multipart/form-data", headers=as_(admin)
    )
    assert response.status_code == 200
    audio_url = response.get_json()["audio_url"]
    assert audio_url.startswith("http://localhost/twilio/media/greetings/script-")
    served = client.get(audio_url.removeprefix("http://localhost"))
    assert (served.status_code, served.data) == (200, b"ID3fake-mp3")
    assert Path(tmp_path, "greetings", audio_url.rsplit("/", 1)[1]).exists()

    heard = signed_post("/twilio/voice/incoming", {"CallSid": "CA1", "From": "+8613900139000", "To": "+862150508888"})
    assert f"<Play>{audio_url}</Play>" in heard.get_data(as_text=True)


def test_an_upload_that_is_not_audio_is_refused(client, defaults, admin, db):
    script_id = hotline_greeting(db).id
    upload = {"file": (io.BytesIO(b"MZ"), "virus.exe")}
    response = client.post(
        f"{SCRIPTS}/{script_id}/audio", data=upload, content_type="multipart/form-data", headers=as_(admin)
    )
    assert response.status_code == 422
    assert hotline_greeting(db).audio_url is None


def test_record_by_phone_queues_a_call_to_the_admins_phone(client, defaults, make, db, queue):
    admin = make.staff(role="admin", phone="+8613500135000")
    script_id = hotline_greeting(db).id
    response = client.post(f"{SCRIPTS}/{script_id}/record-call", headers=as_(admin))
    assert response.status_code == 202
    assert response.get_json() == {"script_id": script_id, "to": "+8613500135000", "status": "queued"}
    [job] = Queue("telephony", connection=queue).jobs
    assert (job.func_name, job.args) == ("workers.calls.place_greeting_call", (script_id, "+8613500135000"))


def test_record_by_phone_needs_the_admins_phone(client, defaults, admin, db, queue):
    response = client.post(f"{SCRIPTS}/{hotline_greeting(db).id}/record-call", headers=as_(admin))
    assert response.status_code == 422
    assert "phone" in response.get_json()["error"]["fields"]


def test_the_recorded_greeting_becomes_the_scripts_audio(signed_post, defaults, db):
    script_id = hotline_greeting(db).id
    prompt = signed_post(f"/twilio/voice/record-greeting?script_id={script_id}", {"CallSid": "CA-rec"})
    assert "<Record" in prompt.get_data(as_text=True)
    assert "请在提示音后录制问候语" in prompt.get_data(as_text=True)
    saved = signed_post(
        f"/twilio/voice/record-greeting/saved?script_id={script_id}",
        {"CallSid": "CA-rec", "RecordingUrl": "https://api.twilio.com/rec/RE5", "RecordingSid": "RE5"},
    )
    assert "<Play>https://api.twilio.com/rec/RE5</Play>" in saved.get_data(as_text=True)
    db.session.expire_all()
    assert hotline_greeting(db).audio_url == "https://api.twilio.com/rec/RE5"


def test_record_greeting_refuses_a_wrong_signature(signed_post, defaults, db):
    script_id = hotline_greeting(db).id
    response = signed_post(
        f"/twilio/voice/record-greeting/saved?script_id={script_id}",
        {"CallSid": "CA-rec", "RecordingUrl": "https://evil.example.com/x.mp3"},
        token="forged",
    )
    assert response.status_code == 403
    assert hotline_greeting(db).audio_url is None
