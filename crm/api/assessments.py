"""The risk questionnaire and a customer's assessments (DOMAIN §3).

``URL`` is empty because this resource spans two paths: the questionnaire itself under
``/api/v1/assessments`` and each customer's assessments under ``/api/v1/customers/<id>``.
"""

from flask_smorest import Blueprint

from crm.api.lookups import visible_customer
from crm.api.schemas.assessments import AssessmentIn, AssessmentOut, ConfirmationIn, QuestionnaireOut
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.customers import documents, questionnaire

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
    """Score a completed questionnaire. It stays pending (``confirmed`` false) until the customer confirms it
    (``…/confirmation``); only then does its band become the customer's risk tolerance."""
    customer = visible_customer(customer_id)
    assessment = questionnaire.submit_assessment(db.session, current_staff(), customer, data["answers"])
    db.session.commit()
    return assessment


@blp.get("/customers/<int:customer_id>/assessments")
@roles("agent", "supervisor", "admin")
@blp.response(200, AssessmentOut(many=True))
def list_assessments(customer_id):
    """Every assessment of the customer, newest first (the newest confirmed one is the current tolerance)."""
    return questionnaire.assessments_of(db.session, visible_customer(customer_id))


@blp.post("/customers/<int:customer_id>/assessments/<int:assessment_id>/confirmation")
@roles("agent", "supervisor", "admin")
@blp.arguments(ConfirmationIn)
@blp.response(200, AssessmentOut)
def confirm_assessment(data, customer_id, assessment_id):
    """Record the customer's confirmation: ``document_id`` (their signed questionnaire on the dossier) or
    ``call_sid`` (the recorded call they confirmed on). The band becomes their risk tolerance (audited)."""
    customer = visible_customer(customer_id)
    assessment = questionnaire.assessment_of(db.session, customer, assessment_id)
    document_id = data.get("document_id")
    document = documents.get_document(db.session, document_id) if document_id is not None else None
    questionnaire.confirm_assessment(
        db.session, current_staff(), customer, assessment, document=document, call_sid=data.get("call_sid")
    )
    db.session.commit()
    return assessment
