"""Callback surveys (DOMAIN §7): the surveys and their questions, a case's survey runs with answers,
and a supervisor's spot check of a visit (``POST /api/v1/visits/<id>/verification-survey``)."""

from flask_smorest import Blueprint

from crm.api.schemas.surveys import SurveyOut, SurveyQuestionOut, SurveyRunOut, VisitVerificationIn
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.cases import workflow
from crm.services.customers import visits
from crm.services.surveys import runs

URL = ""
blp = Blueprint("surveys", __name__, description="Callback surveys (回访)")


@blp.get("/surveys")
@roles("agent", "supervisor", "admin")
@blp.response(200, SurveyOut(many=True))
def list_surveys():
    return runs.all_surveys(db.session)


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
