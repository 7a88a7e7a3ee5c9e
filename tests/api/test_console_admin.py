"""The admin pages: each renders the current data for admins only, and its forms' API calls (JSON with the
session's CSRF token, as console.js sends them) change the data or answer an error for its field."""

import io
import re

import pytest
from flask_babel import refresh
from rq import Queue, SimpleWorker

from crm.extensions import queues
from crm.models import CalendarOverride, PhoneLine, QaPhrase, Script, Staff
from crm.services.quality.qa_phrases import ensure_default_phrases
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.api.test_console import BrowserLikeClient, _sign_in
from tests.conftest import auth

PAGES = (
    "/admin",
    "/admin/branches",
    "/admin/staff",
    "/admin/phone-lines",
    "/admin/scripts",
    "/admin/deadline-policies",
    "/admin/calendar",
    "/admin/surveys",
    "/admin/qa-phrases",
    "/admin/jobs",
)


def broken():
    raise ConnectionError("mail server unreachable")


def fail_a_job(connection):
    """A job run once by a worker that fails for good (no retries): listed in the failed registry."""
    default = Queue("default", connection=connection)
    job = default.enqueue(broken)
    SimpleWorker([default], connection=connection).work(burst=True)
    return job


@pytest.fixture
def client(app, db, signin_budget):
    return BrowserLikeClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def signed_in(client, admin):
    """The admin signed in; ``send(method, url, json)`` calls the API as the page's forms do."""
    assert _sign_in(client, admin).status_code == 302
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/admin").get_data(as_text=True)).group(1)

    def send(method, url, json=None, **kwargs):
        return client.open(url, method=method, json=json, headers={"X-CSRF-Token": token}, **kwargs)

    client.send = send
    return client


def _html(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _data_api(html):
    return set(re.findall(r'data-(?:api|upload)="([^"]+)"', html))


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_get_403(client, make, branch, role, path):
    _sign_in(client, make.staff(role=role, branch=branch))
    response = client.get(path)
    assert response.status_code == 403
    assert "只有管理员可以打开管理页面" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_a_stranger_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_the_landing_page_links_every_admin_page(signed_in):
    html = _html(signed_in, "/admin")
    for path in PAGES[1:]:
        assert f'href="{path}"' in html


def test_the_admin_is_sent_to_the_admin_pages_after_sign_in(signed_in):
    assert 'href="/admin/staff"' in _html(signed_in, "/")


# --- branches ---------------------------------------------------------------------------------


def test_branches_are_listed_and_changed_through_their_form(signed_in, branch, supervisor):
    html = _html(signed_in, "/admin/branches")
    assert branch.code in html and branch.name in html and supervisor.name in html
    assert f"/api/v1/branches/{branch.id}" in _data_api(html)

    response = signed_in.send(
        "PATCH", f"/api/v1/branches/{branch.id}", {"name": "浦东营业部", "head_id": supervisor.id}
    )
    assert response.status_code == 200
    assert "浦东营业部" in _html(signed_in, "/admin/branches")


def test_a_new_branch_with_a_bad_hotline_is_refused_naming_the_field(signed_in):
    response = signed_in.send("POST", "/api/v1/branches", {"code": "SH9", "name": "新营业部", "hotline": "not a phone"})
    assert response.status_code == 422
    assert "hotline" in response.json["error"]["fields"]


# --- staff --------------------------------------------------------------------------------------


def test_staff_are_listed_with_role_and_branch_and_created_from_the_form(signed_in, agent, branch):
    html = _html(signed_in, "/admin/staff")
    assert agent.job_no in html and agent.name in html and branch.name in html
    assert "/api/v1/staff" in _data_api(html)

    response = signed_in.send(
        "POST", "/api/v1/staff", {"job_no": "A901", "name": "新坐席", "role": "agent", "branch_id": branch.id}
    )
    assert response.status_code == 201
    assert response.json["api_token"]
    assert "A901" in _html(signed_in, "/admin/staff")


def test_a_bad_new_staff_member_is_refused_naming_the_field(signed_in):
    response = signed_in.send("POST", "/api/v1/staff", {"job_no": "A902", "name": "新坐席", "role": "boss"})
    assert response.status_code == 422
    assert "role" in response.json["error"]["fields"]


def test_a_staff_member_page_changes_role_deactivates_unlocks_and_revokes_tokens(signed_in, agent, db):
    html = _html(signed_in, f"/admin/staff/{agent.id}")
    assert agent.name in html
    paths = _data_api(html)
    assert {
        f"/api/v1/staff/{agent.id}",
        f"/api/v1/staff/{agent.id}/unlock",
        f"/api/v1/staff/{agent.id}/tokens",
    } <= paths
    [token_path] = [p for p in paths if re.fullmatch(rf"/api/v1/staff/{agent.id}/tokens/\d+", p)]

    assert signed_in.send("PATCH", f"/api/v1/staff/{agent.id}", {"role": "supervisor"}).status_code == 200
    assert signed_in.send("PATCH", f"/api/v1/staff/{agent.id}", {"is_active": False}).status_code == 200
    assert signed_in.send("POST", f"/api/v1/staff/{agent.id}/unlock", {}).status_code == 204
    assert signed_in.send("DELETE", token_path, {}).status_code == 204
    db.session.expire_all()
    member = db.session.get(Staff, agent.id)
    assert (member.role, member.is_active) == ("supervisor", False)
    html = _html(signed_in, f"/admin/staff/{agent.id}")
    assert "Reactivate" in html or "重新启用" in html
    assert token_path not in _data_api(html)


# --- phone lines ---------------------------------------------------------------------------------


def test_phone_lines_are_listed_added_and_refused_with_a_bad_number(signed_in, phone_lines, branch, db):
    html = _html(signed_in, "/admin/phone-lines")
    assert phone_lines["hotline"] in html and branch.name in html

    response = signed_in.send(
        "POST", "/api/v1/phone-lines", {"number": "+862150507777", "line": "hotline", "branch_id": branch.id}
    )
    assert response.status_code == 201
    assert "+862150507777" in _html(signed_in, "/admin/phone-lines")
    bad = signed_in.send(
        "POST", "/api/v1/phone-lines", {"number": "call me", "line": "hotline", "branch_id": branch.id}
    )
    assert bad.status_code == 422
    assert "number" in bad.json["error"]["fields"]
    assert db.session.query(PhoneLine).count() == 3


# --- greeting scripts -----------------------------------------------------------------------------


def test_scripts_are_listed_with_their_holiday_variants_and_edited(signed_in, scripts, db):
    html = _html(signed_in, "/admin/scripts")
    assert "新年好！" in html and "2026-10-01" in html
    script = db.session.query(Script).filter_by(purpose="greeting", valid_from=None).first()
    page = _html(signed_in, f"/admin/scripts/{script.id}")
    assert {
        f"/api/v1/scripts/{script.id}",
        f"/api/v1/scripts/{script.id}/audio",
        f"/api/v1/scripts/{script.id}/record-call",
    } <= _data_api(page)

    response = signed_in.send(
        "PATCH", f"/api/v1/scripts/{script.id}", {"text": "您好，{branch}为您服务", "language": "en-US"}
    )
    assert response.status_code == 200
    assert "您好，{branch}为您服务" in _html(signed_in, f"/admin/scripts/{script.id}")
    bad = signed_in.send("PATCH", f"/api/v1/scripts/{script.id}", {"valid_to": "2026-10-07"})
    assert bad.status_code == 422
    assert "valid_from" in bad.json["error"]["fields"]


def test_the_preview_at_a_holiday_date_shows_the_holiday_variant(signed_in, phone_lines):
    holiday = _html(signed_in, "/admin/scripts?line=hotline&day=2026-10-02")
    assert "国庆节快乐！" in holiday
    assert 'data-field="variant">节日版本' in holiday
    ordinary = _html(signed_in, "/admin/scripts?line=hotline&day=2026-10-12")
    assert "国庆节快乐！" not in ordinary.split('id="preview-result"')[1]
    assert "请选择日期" in _html(signed_in, "/admin/scripts?line=hotline&day=someday")


def test_an_uploaded_recording_is_played_from_this_site(signed_in, scripts, db):
    script = db.session.query(Script).filter_by(purpose="greeting", valid_from=None).first()
    upload = signed_in.send(
        "POST", f"/api/v1/scripts/{script.id}/audio", data={"file": (io.BytesIO(b"RIFF....WAVE"), "hello.wav")}
    )
    assert upload.status_code == 200
    html = _html(signed_in, f"/admin/scripts/{script.id}")
    src = re.search(r'<audio controls preload="none" src="([^"]+)"', html).group(1)
    assert src.startswith("/twilio/media/greetings/script-")
    assert signed_in.get(src).data == b"RIFF....WAVE"
    wrong = signed_in.send("POST", f"/api/v1/scripts/{script.id}/audio", data={"file": (io.BytesIO(b"x"), "a.txt")})
    assert wrong.status_code == 422
    assert "file" in wrong.json["error"]["fields"]


def test_record_by_phone_needs_the_admins_phone(signed_in, scripts, db, admin, queue):
    script = db.session.query(Script).filter_by(purpose="greeting", valid_from=None).first()
    refused = signed_in.send("POST", f"/api/v1/scripts/{script.id}/record-call", {})
    assert refused.status_code == 422
    assert "phone" in refused.json["error"]["fields"]
    signed_in.send("PATCH", f"/api/v1/staff/{admin.id}", {"phone": "13900139000"})
    assert signed_in.send("POST", f"/api/v1/scripts/{script.id}/record-call", {}).status_code == 202


# --- deadline policies and calendar ------------------------------------------------------------------


def test_deadline_policies_are_listed_and_changed(signed_in):
    html = _html(signed_in, "/admin/deadline-policies")
    policy_path = sorted(p for p in _data_api(html) if re.fullmatch(r"/api/v1/deadline-policies/\d+", p))[0]
    assert signed_in.send("PATCH", policy_path, {"amount": 777, "unit": "minutes"}).status_code == 200
    assert 'value="777"' in _html(signed_in, "/admin/deadline-policies")
    bad = signed_in.send("PATCH", policy_path, {"amount": 0, "unit": "minutes"})
    assert bad.status_code == 422
    assert "amount" in bad.json["error"]["fields"]


def test_calendar_overrides_are_added_listed_and_removed(signed_in, db):
    assert (
        signed_in.send(
            "POST", "/api/v1/calendar/overrides", {"day": "2026-12-31", "kind": "holiday", "note": "年终"}
        ).status_code
        == 201
    )
    html = _html(signed_in, "/admin/calendar")
    assert "2026-12-31" in html and "年终" in html
    bad = signed_in.send("POST", "/api/v1/calendar/overrides", {"day": "2026-12-30", "kind": "party"})
    assert bad.status_code == 422
    assert "kind" in bad.json["error"]["fields"]
    assert signed_in.send("DELETE", "/api/v1/calendar/overrides/2026-12-31", {}).status_code == 204
    assert db.session.query(CalendarOverride).count() == 0


# --- surveys and QA phrases -----------------------------------------------------------------------------


def test_surveys_are_listed_with_their_questions_and_edited_through_their_forms(signed_in, db):
    ensure_default_surveys(db.session)
    db.session.commit()
    html = _html(signed_in, "/admin/surveys")
    survey = runs.all_surveys(db.session)[0]
    question = survey.questions[0]
    assert survey.name in html and question.prompt in html
    assert {f"/api/v1/surveys/{survey.id}", f"/api/v1/surveys/{survey.id}/questions/{question.id}"} <= _data_api(html)
    form = re.search(rf'<form[^>]*id="edit-survey-{survey.id}".*?</form>', html, re.S).group(0)
    assert {"name", "language", "opening", "closing"} == set(re.findall(r'name="(\w+)"', form))
    assert form.count('role="alert"') == 1

    saved = signed_in.send("PATCH", f"/api/v1/surveys/{survey.id}", {"closing": "再见，欢迎致电{hotline}。"})
    prompt = signed_in.send(
        "PATCH", f"/api/v1/surveys/{survey.id}/questions/{question.id}", {"prompt": "问题解决了吗？是请按1。"}
    )
    bad = signed_in.send("PATCH", f"/api/v1/surveys/{survey.id}", {"opening": "您好{客户}"})

    assert (saved.status_code, prompt.status_code, bad.status_code) == (200, 200, 422)
    assert list(bad.json["error"]["fields"]) == ["opening"]
    html = _html(signed_in, "/admin/surveys")
    assert "再见，欢迎致电{hotline}。" in html and "问题解决了吗？是请按1。" in html


def test_the_visit_check_names_its_own_placeholders(signed_in, db):
    ensure_default_surveys(db.session)
    db.session.commit()
    visit_check = next(s for s in runs.all_surveys(db.session) if s.code == "visit_check")

    section = _html(signed_in, "/admin/surveys").split(f'id="survey-{visit_check.id}"')[1]

    assert "<code>{manager}</code>" in section.split("</section>")[0]


def test_qa_phrases_are_listed_added_and_refused_when_duplicated(signed_in, db):
    ensure_default_phrases(db.session)
    db.session.commit()
    phrase = db.session.query(QaPhrase).first()
    html = _html(signed_in, "/admin/qa-phrases")
    assert phrase.text in html
    assert signed_in.send("POST", "/api/v1/qa/phrases", {"kind": "forbidden", "text": "保证赚钱吧"}).status_code == 201
    assert "保证赚钱吧" in _html(signed_in, "/admin/qa-phrases")
    bad = signed_in.send("POST", "/api/v1/qa/phrases", {"kind": "forbidden", "text": ""})
    assert bad.status_code == 422
    assert "text" in bad.json["error"]["fields"]


# --- failed jobs ---------------------------------------------------------------------------------------


def test_failed_jobs_are_listed_and_retried(signed_in, queue):
    job = fail_a_job(queue)
    html = _html(signed_in, "/admin/jobs")
    assert "mail server unreachable" in html
    retry = f"/api/v1/admin/jobs/default/{job.id}/retry"
    assert retry in _data_api(html)

    response = signed_in.send("POST", retry, {})
    assert response.status_code == 200
    assert response.json["status"] == "queued"
    assert job.id in queues.queue("default").job_ids
    assert job.id not in _html(signed_in, "/admin/jobs")
    again = signed_in.send("POST", retry, {})
    assert again.status_code == 404


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_may_retry_a_failed_job(client, make, branch, queue, role):
    job = fail_a_job(queue)
    staff = make.staff(role=role, branch=branch)
    response = client.post(f"/api/v1/admin/jobs/default/{job.id}/retry", headers=auth(staff))
    assert response.status_code == 403
    assert job.id in Queue("default", connection=queue).failed_job_registry.get_job_ids()


def test_a_job_of_an_unknown_queue_is_not_found(signed_in, queue):
    job = fail_a_job(queue)
    assert signed_in.send("POST", f"/api/v1/admin/jobs/nowhere/{job.id}/retry", {}).status_code == 404


def test_the_admin_pages_speak_english_when_chosen(signed_in):
    token = re.search(r'name="csrf_token" value="([^"]+)"', _html(signed_in, "/admin")).group(1)
    signed_in.post("/language", data={"language": "en", "next": "/admin/staff", "csrf_token": token})
    refresh()  # the test's one app context would keep the language of the first page
    html = _html(signed_in, "/admin/staff")
    assert "Create staff member" in html and "Staff and roles" in html
    assert "创建员工" not in html
