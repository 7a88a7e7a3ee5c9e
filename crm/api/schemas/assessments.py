from marshmallow import Schema, ValidationError, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief


class OptionOut(Schema):
    letter = fields.String()
    zh = fields.String()
    en = fields.String()
    score = fields.Integer()


class QuestionOut(Schema):
    key = fields.String()
    number = fields.Integer()
    zh = fields.String()
    en = fields.String()
    multi = fields.Boolean()
    options = fields.List(fields.Nested(OptionOut))


class BandOut(Schema):
    band = fields.String()
    min_score = fields.Integer()
    max_score = fields.Integer()


class QuestionnaireOut(Schema):
    questions = fields.List(fields.Nested(QuestionOut))
    bands = fields.List(fields.Nested(BandOut))


# The questionnaire has a dozen questions; a longer mapping is refused before it is read (422).
MAX_ANSWERS = 20


def _at_most_answers(answers):
    if len(answers) > MAX_ANSWERS:
        raise ValidationError(f"At most {MAX_ANSWERS} answers.")


class AssessmentIn(Schema):
    """``{"answers": {"q1": "A", …, "q9": ["A", "C"], …}}`` — Q9 takes several letters."""

    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=8)),
        values=fields.Raw(),
        required=True,
        validate=_at_most_answers,
        metadata={"maxProperties": MAX_ANSWERS},
    )


class AssessmentOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    answers = fields.Dict()
    score = fields.Integer()
    band = fields.String()
    taken_by = fields.Nested(StaffBrief, allow_none=True)
    taken_at = fields.DateTime()
    confirmed = fields.Function(
        lambda assessment: assessment.confirmed_at is not None,
        metadata={"description": "False: pending, the band is not the customer's tolerance yet."},
    )
    confirmed_at = fields.DateTime(allow_none=True)
    confirmation_document_id = fields.Integer(allow_none=True)
    confirmation_call_sid = fields.String(allow_none=True)


class ConfirmationIn(Schema):
    """The customer's confirmation: their signed form on the dossier, or the recorded call, one of them."""

    document_id = fields.Integer()
    call_sid = fields.String(validate=validate.Length(min=1, max=64))
