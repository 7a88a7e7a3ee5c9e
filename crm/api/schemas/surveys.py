from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.services.surveys.editing import LANGUAGES, NAME_MAX, TEXT_MAX


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


class SurveyPatch(Schema):
    """The texts an admin changes; placeholders ``{branch}`` and ``{hotline}`` (a visit check's also
    ``{manager}`` and ``{date}``) are filled in when the customer hears them."""

    name = fields.String(validate=validate.Length(min=1, max=NAME_MAX))
    opening = fields.String(validate=validate.Length(min=1, max=TEXT_MAX))
    closing = fields.String(validate=validate.Length(min=1, max=TEXT_MAX))
    language = fields.String(validate=validate.OneOf(LANGUAGES))


class SurveyQuestionPatch(Schema):
    """A question's prompt; its kind, keys and reopen rules are not editable (answers are kept as digits)."""

    prompt = fields.String(validate=validate.Length(min=1, max=TEXT_MAX))


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
