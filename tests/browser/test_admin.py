"""The admin pages in a real browser: forms sent to the API, errors next to their fields, the greeting
preview, and a failed job run again."""

from rq import Queue

from crm.models import Script, Staff
from crm.services.surveys.default_surveys import ensure_default_surveys
from crm.services.surveys.runs import all_surveys
from tests.api.test_console_admin import fail_a_job
from tests.browser.conftest import sign_in

# A valid, silent 8 kHz mono WAV file of 8 samples.
WAV = (
    b"RIFF"
    + (44).to_bytes(4, "little")
    + b"WAVEfmt "
    + bytes.fromhex("1000000001000100401f0000401f000001000800")
    + b"data"
    + (8).to_bytes(4, "little")
    + b"\x80" * 8
)


def test_an_admin_creates_a_staff_member_and_sees_the_error_next_to_a_bad_field(live_server, page, admin, branch, db):
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/staff")

    form = page.locator("#new-staff")
    form.locator("input[name=job_no]").fill("A777")
    form.locator("input[name=name]").fill("王小明")
    form.locator("select[name=role]").select_option("agent")
    form.locator("select[name=branch_id]").select_option(str(branch.id))
    form.locator("input[name=phone]").fill("not a phone")
    form.locator("button[type=submit]").click()

    error = page.locator("#new-staff-phone-error")
    error.wait_for()
    assert error.is_visible()
    assert form.locator("input[name=phone]").get_attribute("aria-invalid") == "true"
    assert db.session.query(Staff).filter_by(job_no="A777").count() == 0

    form.locator("input[name=phone]").fill("13900139000")
    form.locator("button[type=submit]").click()
    token = form.locator("[data-saved] [data-value]")
    token.wait_for()
    assert token.text_content()
    assert page.locator("#new-staff-phone-error").count() == 0
    with page.expect_navigation():
        form.locator("[data-saved] a").click()
    assert "王小明" in page.text_content("#staff-list")


def test_the_preview_at_a_holiday_date_shows_the_holiday_variant(live_server, page, admin, phone_lines):
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/scripts")

    page.select_option("#preview-form select[name=line]", "hotline")
    page.fill("#preview-form input[name=day]", "2026-10-01")
    page.click("#preview-form button[type=submit]")

    page.locator("#preview-result [data-field=variant]").wait_for()
    assert page.text_content("#preview-result [data-field=variant]") == "节日版本"
    assert "国庆节快乐！" in page.text_content("#preview-result [data-field=text]")

    page.fill("#preview-form input[name=day]", "2026-10-12")
    page.click("#preview-form button[type=submit]")
    page.wait_for_url("**day=2026-10-12**")
    assert page.text_content("#preview-result [data-field=variant]") == "标准版本"


def test_an_admin_retries_a_failed_job(live_server, page, admin, queue):
    job = fail_a_job(queue)
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/jobs")
    row = page.locator(f"#job-{job.id}")
    assert "mail server unreachable" in row.text_content()

    with page.expect_navigation():  # retried: the page reloads
        row.locator("button[type=submit]").click()

    assert page.locator(f"#job-{job.id}").count() == 0
    assert "没有失败的任务" in page.text_content("#queue-default")
    assert job.id in Queue("default", connection=queue).job_ids  # queued again


def test_an_uploaded_recording_can_be_played_and_a_wrong_file_is_refused(live_server, page, admin, scripts, db):
    script = db.session.query(Script).filter_by(purpose="greeting", valid_from=None).first()
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/scripts/{script.id}")
    form = page.locator("#upload-audio")

    form.locator("input[type=file]").set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hi"})
    form.locator("button[type=submit]").click()
    page.locator("#upload-audio-file-error").wait_for()
    assert page.locator("#recording audio").count() == 0

    form.locator("input[type=file]").set_input_files({"name": "hello.wav", "mimeType": "audio/wav", "buffer": WAV})
    form.locator("button[type=submit]").click()
    audio = page.locator("#recording audio")
    audio.wait_for()
    source = audio.get_attribute("src")
    assert source.startswith("/twilio/media/greetings/")
    assert page.request.get(f"{live_server}{source}").body() == WAV


def test_an_admin_moves_an_agent_to_another_branch_clearing_their_supervisor(
    live_server, page, admin, make, branch, supervisor, db
):
    member = make.staff(role="agent", branch=branch)
    member.supervisor_id = supervisor.id
    db.session.commit()
    other = make.branch(name="新营业部")
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/staff/{member.id}")
    form = page.locator("#edit-staff")

    form.locator("select[name=branch_id]").select_option(str(other.id))
    form.locator("button[type=submit]").click()
    page.locator("#edit-staff-supervisor_id-error").wait_for()  # the old branch's supervisor does not fit

    form.locator("select[name=supervisor_id]").select_option("")
    with page.expect_navigation():  # saved: the page reloads
        form.locator("button[type=submit]").click()
    assert "新营业部" in page.text_content("main")
    db.session.expire_all()
    moved = db.session.get(Staff, member.id)
    assert (moved.branch_id, moved.supervisor_id) == (other.id, None)


def test_an_admin_edits_a_surveys_opening_after_an_error_next_to_the_field(live_server, page, admin, db):
    ensure_default_surveys(db.session)
    db.session.commit()
    survey = next(s for s in all_surveys(db.session) if s.code == "callback")
    sign_in(page, live_server, admin.job_no)
    page.goto(f"{live_server}/admin/surveys")

    form = page.locator(f"#edit-survey-{survey.id}")
    opening = form.locator("textarea[name=opening]")
    opening.fill("您好，{营业部}回访，方便请按1，不方便请按2。")
    form.locator("button[type=submit]").click()
    page.locator(f"#edit-survey-{survey.id}-opening-error").wait_for()
    assert opening.get_attribute("aria-invalid") == "true"

    opening.fill("您好，{branch}回访，方便请按1，不方便请按2。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert (
        page.input_value(f"#edit-survey-{survey.id} textarea[name=opening]")
        == "您好，{branch}回访，方便请按1，不方便请按2。"
    )
    db.session.expire_all()
    assert survey.opening == "您好，{branch}回访，方便请按1，不方便请按2。"
