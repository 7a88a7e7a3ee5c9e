"""QA phrases, transcripts, QA results and their review (issue 11 item 5)."""

from marshmallow import Schema, validate

from crm.api.schemas import fields
from crm.api.schemas.staff import StaffBrief
from crm.models.quality import DECISIONS, MATCH_MODES, PHRASE_KINDS, RESULT_STATES

PHRASE_MAX = 200
COMMENT_MAX = 1000


class PhraseOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "greeting, closing, readback or forbidden."})
    text = fields.String()
    match_mode = fields.String(
        metadata={"description": "clause: must make up a clause of its own (short phrases); contains: anywhere."}
    )
    is_active = fields.Boolean()
    updated_at = fields.AwareDateTime()


class PhraseQuery(Schema):
    kind = fields.String(validate=validate.OneOf(PHRASE_KINDS))
    active = fields.Boolean()


class PhrasePatch(Schema):
    text = fields.String(validate=validate.Length(min=1, max=PHRASE_MAX))
    match_mode = fields.String(validate=validate.OneOf(MATCH_MODES))
    is_active = fields.Boolean()


class PhraseIn(PhrasePatch):
    kind = fields.String(required=True, validate=validate.OneOf(PHRASE_KINDS))
    text = fields.String(required=True, validate=validate.Length(min=1, max=PHRASE_MAX))
    match_mode = fields.String(
        validate=validate.OneOf(MATCH_MODES),
        metadata={"description": "Default: contains, except forbidden phrases of up to 4 characters (clause)."},
    )


class UtteranceOut(Schema):
    sequence = fields.Integer()
    speaker = fields.String(metadata={"description": "agent or customer."})
    text = fields.String()
    offset_seconds = fields.Integer(metadata={"description": "Seconds from the call's answer."})
    spoken_at = fields.AwareDateTime()


class FlagOut(Schema):
    id = fields.Integer()
    rule = fields.String()
    phrase_id = fields.Integer(allow_none=True)
    phrase = fields.String(allow_none=True)
    matched = fields.String(allow_none=True, metadata={"description": "The words matched (their clause)."})
    utterance_sequence = fields.Integer(allow_none=True)
    offset_seconds = fields.Integer(allow_none=True, metadata={"description": "When in the call it was said."})
    decision = fields.String(allow_none=True, metadata={"description": "confirmed or dismissed; null: unreviewed."})
    comment = fields.String(allow_none=True)
    reviewed_by_id = fields.Integer(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)


class ResultOut(Schema):
    id = fields.Integer()
    call_id = fields.Integer()
    agent = fields.Nested(StaffBrief)
    branch_id = fields.Integer(allow_none=True)
    basis = fields.String(metadata={"description": "transcript, or notes when the call has none."})
    state = fields.String(metadata={"description": "clean (no flag), open (a flag to review) or reviewed."})
    passed = fields.Boolean(metadata={"description": "No flag, or every flag dismissed."})
    checked_at = fields.AwareDateTime()
    call_started_at = fields.AwareDateTime(attribute="call.started_at")
    flags = fields.List(fields.Nested(FlagOut))


class ResultDetail(ResultOut):
    transcript = fields.List(fields.Nested(UtteranceOut))


class ResultQuery(Schema):
    agent_id = fields.Integer()
    passed = fields.Boolean()
    state = fields.String(validate=validate.OneOf(RESULT_STATES))
    start = fields.AwareDateTime(metadata={"description": "Calls started at or after."})
    end = fields.AwareDateTime(metadata={"description": "Calls started before."})


class FlagReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = fields.String(required=True, validate=validate.Length(min=1, max=COMMENT_MAX))
