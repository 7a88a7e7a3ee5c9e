"""Callback surveys (DOMAIN §7): the surveys and their questions, a case's survey runs with answers,
and a supervisor's spot check of a visit (``POST /api/v1/visits/<id>/verification-survey``)."""

from flask_smorest import Blueprint

from crm.api.schemas.surveys import (
    SurveyOut,
    SurveyPatch,
    SurveyQuestionOut,
    SurveyQuestionPatch,
    SurveyRunOut,
    VisitVerificationIn,
)
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.cases import workflow
from crm.services.customers import visits
from crm.services.surveys import editing, runs

URL = ""
blp = Blueprint("surveys", __name__, description="Callback surveys (回访)")


@blp.get("/surveys")
@roles("agent", "supervisor", "admin")
@blp.response(200, SurveyOut(many=True))
def list_surveys():
    return runs.all_surveys(db.session)


@blp.patch("/surveys/<int:survey_id>")
@roles("admin")
@blp.arguments(SurveyPatch)
@blp.response(200, SurveyOut)
def change_survey(changes, survey_id):
    """Change the name, opening, closing or language (zh-CN, en-US); the next survey call speaks the new text.
    Texts are refused (422 naming the field) when blank, too long, with an unknown placeholder or with a
    forbidden marketing word."""
    survey = editing.change_survey(db.session, current_staff(), survey_id, changes)
    db.session.commit()
    return survey


@blp.patch("/surveys/<int:survey_id>/questions/<int:question_id>")
@roles("admin")
@blp.arguments(SurveyQuestionPatch)
@blp.response(200, SurveyQuestionOut)
def change_question(changes, survey_id, question_id):
    """Change a question's prompt (same rules as the survey's texts). Its keys and reopen rules stay."""
    question = editing.change_question(db.session, current_staff(), survey_id, question_id, changes)
    db.session.commit()
    return question


@blp.get("/surveys/<int:survey_id>/questions")
@roles("agent", "supervisor", "admin")
@blp.response(200, SurveyQuestionOut(many=True))
def survey_questions(survey_id):
    return runs.get_survey(db.session, survey_id).questions


@blp.get("/cases/<int:case_id>/survey-runs")
@roles("agent", "supervisor", "admin")
@blp.response(200, SurveyRunOut(many=True))
def case_survey_runs(case_id):
    """The case's callback surveys, oldest first, each with the answers given so far."""
    return runs.runs_for_case(db.session, workflow.get_case(db.session, current_staff(), case_id))


@blp.post("/visits/<int:visit_id>/verification-survey")
@roles("supervisor", "admin")
@blp.arguments(VisitVerificationIn)
@blp.response(201, SurveyRunOut)
def schedule_verification(data, visit_id):
    """Spot-check a visit: the customer is called and asked whether the manager visited or called."""
    visit = visits.visible_visit(db.session, current_staff(), visit_id)
    run = runs.schedule_visit_survey(db.session, visit, requested_by=current_staff(), **data)
    db.session.commit()
    return run
