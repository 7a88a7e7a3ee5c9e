"""The risk questionnaire and a customer's assessments (DOMAIN §3).

``URL`` is empty because this resource spans two paths: the questionnaire itself under
``/api/v1/assessments`` and each customer's assessments under ``/api/v1/customers/<id>``.
"""

from flask_smorest import Blueprint

from crm.api.lookups import visible_customer
from crm.api.schemas.assessments import AssessmentIn, AssessmentOut, QuestionnaireOut
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.customers import questionnaire

URL = ""
blp = Blueprint("assessments", __name__, description="Risk-tolerance questionnaire and assessments")


@blp.get("/assessments/questionnaire")
@roles("agent", "supervisor", "admin")
@blp.response(200, QuestionnaireOut)
def get_questionnaire():
    """The 12 questions with their options and scores, and the score bands — enough to render the form."""
    floors = [0] + [ceiling + 1 for ceiling, _ in questionnaire.BAND_CEILINGS]
    bands = [
        {"band": band, "min_score": floor, "max_score": ceiling}
        for floor, (ceiling, band) in zip(floors, questionnaire.BAND_CEILINGS, strict=False)
    ]
    return {"questions": questionnaire.QUESTIONS, "bands": bands}


@blp.post("/customers/<int:customer_id>/assessments")
@roles("agent", "supervisor", "admin")
@blp.arguments(AssessmentIn)
@blp.response(201, AssessmentOut)
def submit_assessment(data, customer_id):
    """Score a completed questionnaire; its band becomes the customer's risk tolerance."""
    customer = visible_customer(customer_id)
    assessment = questionnaire.submit_assessment(db.session, current_staff(), customer, data["answers"])
    db.session.commit()
    return assessment


@blp.get("/customers/<int:customer_id>/assessments")
@roles("agent", "supervisor", "admin")
@blp.response(200, AssessmentOut(many=True))
def list_assessments(customer_id):
    """Every assessment of the customer, newest first (the first is the current tolerance)."""
    return questionnaire.assessments_of(db.session, visible_customer(customer_id))
