from marshmallow import Schema

from crm.api.schemas import fields


class SurveyOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    opening = fields.String()
    closing = fields.String()
    language = fields.String()


class SurveyQuestionOut(Schema):
    id = fields.Integer()
    position = fields.Integer()
    code = fields.String()
    kind = fields.String()
    prompt = fields.String()
    keys = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    reopen_on = fields.List(fields.String(), allow_none=True)
    reopen_at_or_below = fields.Integer(allow_none=True)
    optional = fields.Boolean()


class SurveyAnswerOut(Schema):
    question_id = fields.Integer()
    value = fields.String(allow_none=True)
    recording_url = fields.String(allow_none=True)
    transcription = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class SurveyRunOut(Schema):
    id = fields.Integer()
    survey_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    state = fields.String()
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    any_time_consent = fields.Boolean()
    last_result = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime(allow_none=True)
    answers = fields.List(fields.Nested(SurveyAnswerOut))


class VisitVerificationIn(Schema):
    """When to call (default: now, or the next business-hours opening) and whether night calls are agreed."""

    at = fields.AwareDateTime(load_default=None)
    any_time_consent = fields.Boolean(load_default=False)
