"""The supervision pages (QA flags, quotas, spot checks, survey results, work logs): who may open them and
what they show. Agents are refused; supervisors see their own branch only; admins every branch or one."""

from datetime import date, timedelta

import flask_babel
import pytest

from crm.core import clock
from crm.models import Call, QaFlag, QaResult, Survey, SurveyAnswer, SurveyRun, WorkLog
from crm.services.activity import quotas, spot_checks
from crm.services.surveys.default_surveys import CASE_SURVEY, ensure_default_surveys
from tests.api.test_console import _csrf, _sign_in
from tests.api.test_console import client as client  # noqa: F401  (the fixture)
from tests.case_factories import CaseFactory

PAGES = ("/supervision/qa", "/supervision/quotas", "/supervision/spot-checks", "/supervision/surveys",
         "/supervision/work-logs", "/reports/call-quality", "/board")  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_agents_are_refused_and_strangers_sent_to_sign_in(client, agent, path):
    assert client.get(path).status_code == 302
    _sign_in(client, agent)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES[:5])
def test_a_supervisor_sees_only_their_own_branch(client, make, supervisor, path):
    _sign_in(client, supervisor)
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?branch_id={make.branch().id}").status_code == 403


@pytest.mark.parametrize("path", PAGES[:5])
def test_an_admin_sees_all_branches_or_one(client, make, admin, path):
    _sign_in(client, admin)
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?branch_id={make.branch().id}").status_code == 200


def test_every_supervision_page_is_in_the_menu(client, supervisor):
    _sign_in(client, supervisor)
    page = client.get("/board").get_data(as_text=True)
    menu = page[page.index('class="menu"') : page.index("</nav>")]
    for path in PAGES:
        assert f'href="{path}"' in menu


def _qa_result(db, agent, n):
    call = Call(sid=f"CA-qa-{agent.id}-{n}", direction="inbound", branch_id=agent.branch_id, agent_id=agent.id)
    db.session.add(call)
    db.session.flush()
    result = QaResult(call_id=call.id, agent_id=agent.id, branch_id=agent.branch_id, basis="transcript", state="open")
    result.passed, result.flags = False, [QaFlag(rule="closing_missing")]
    db.session.add(result)
    db.session.commit()
    return result


def test_qa_flags_of_the_branch_with_a_review_form_each(client, db, make, agent, supervisor):
    mine = _qa_result(db, agent, 1)
    theirs = _qa_result(db, make.staff(role="agent", branch=make.branch()), 2)
    _sign_in(client, supervisor)

    page = client.get("/supervision/qa").get_data(as_text=True)

    assert f'data-result-id="{mine.id}"' in page and f'data-result-id="{theirs.id}"' not in page
    flag = mine.flags[0]
    assert f'data-api="/api/v1/qa/flags/{flag.id}/review"' in page
    assert "未使用结束语" in page


def test_work_logs_waiting_for_review(client, db, branch, agent, supervisor):
    log = WorkLog(
        staff_id=agent.id, branch_id=branch.id, kind="daily", period_start=date(2026, 11, 23),
        period_end=date(2026, 11, 23), items={},
        figures=[{"kind": "contact_calls", "target_period": "day", "done": 4, "target": 10, "ratio": 0.4}],
    )  # fmt: skip
    db.session.add(log)
    db.session.commit()
    _sign_in(client, supervisor)

    page = client.get("/supervision/work-logs").get_data(as_text=True)

    assert f'data-api="/api/v1/work-logs/{log.id}/review"' in page
    assert "联系电话" in page and "40.0 %" in page


def test_quotas_in_force_and_attainment_per_person(client, db, agent, supervisor):
    quotas.set_target(db.session, supervisor, "contact_calls", "week", 42, staff_id=agent.id)
    db.session.commit()
    _sign_in(client, supervisor)

    page = client.get("/supervision/quotas").get_data(as_text=True)

    targets = page[page.index('class="quotas"') :]
    assert agent.job_no in targets and ">42<" in targets
    attainment = page[page.index('class="attainment"') : page.index('class="quotas"')]
    row = attainment[attainment.index(f'data-staff-id="{agent.id}" data-kind="contact_calls"') :]
    assert '<td data-field="target">42</td>' in row[: row.index("</tr>")]
    assert 'id="quota-person"' in page and 'id="quota-team"' in page


def test_the_spot_check_register_counts_the_states(client, db, make, branch, agent, supervisor):
    ensure_default_surveys(db.session)
    customer = make.customer(manager=agent, phones=("13900000001",))
    make.visit(agent, customer, started_at=clock.now() - timedelta(days=1))
    today = clock.local(clock.now()).date()
    check = spot_checks.draw_spot_check(db.session, supervisor, agent.id, today - timedelta(days=7), today, 1)
    db.session.commit()
    _sign_in(client, supervisor)

    page = client.get("/supervision/spot-checks").get_data(as_text=True)

    row = page[page.index(f'data-check-id="{check.id}"') :]
    assert '<td data-state="pending">1</td>' in row[: row.index("</tr>")]
    assert 'id="draw-spot-check"' in page and "13900000001" not in page


def test_survey_results_per_case_and_per_agent(client, db, make, agent, supervisor):
    ensure_default_surveys(db.session)
    survey = db.session.query(Survey).filter_by(code=CASE_SURVEY).one()
    questions = {question.code: question for question in survey.questions}
    case = CaseFactory(db.session).case(agent, subject="回访过的工单")
    other = CaseFactory(db.session).case(make.staff(role="agent", branch=make.branch()), subject="别处的工单")
    for each, attitude, score in ((case, "1", "9"), (other, "3", "2")):
        run = SurveyRun(survey_id=survey.id, customer_id=make.customer().id, case_id=each.id, to_number="+86")
        run.state = "completed"
        db.session.add(run)
        db.session.flush()
        for code, value in (("attitude", attitude), ("score", score)):
            db.session.add(SurveyAnswer(run_id=run.id, question_id=questions[code].id, value=value))
    db.session.commit()
    _sign_in(client, supervisor)

    page = client.get("/supervision/surveys").get_data(as_text=True)

    assert "回访过的工单" in page and "别处的工单" not in page
    agents = page[page.index('class="survey-agents"') :]
    assert f'data-staff-id="{agent.id}"' in agents and '<td data-field="mean_score">9.0</td>' in agents


def test_the_call_quality_page_speaks_the_chosen_language(client, supervisor):
    _sign_in(client, supervisor)
    chinese = client.get("/reports/call-quality").get_data(as_text=True)
    assert "服务质量报表" in chinese and "呼入量" in chinese and 'data-download="csv"' in chinese
    client.post("/language", data={"language": "en", "csrf_token": _csrf(client, "/reports/call-quality")})
    flask_babel.refresh()  # the test keeps one app context, where Flask-Babel caches the first locale
    english = client.get("/reports/call-quality").get_data(as_text=True)
    assert "Call quality report" in english and "Calls offered" in english and "呼入量" not in english


def test_a_call_quality_period_too_long_for_the_page_says_why(client, supervisor):
    _sign_in(client, supervisor)
    response = client.get("/reports/call-quality?start=2026-10-01&end=2026-11-15")
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
