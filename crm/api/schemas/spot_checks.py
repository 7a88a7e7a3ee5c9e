from marshmallow import Schema, validate

from crm.api.common import PageArgs
from crm.api.schemas import fields
from crm.api.schemas.customers import AuditEntryOut
from crm.api.schemas.staff import StaffBrief
from crm.services.activity.spot_checks import SEED_BOUND, STATES

MAX_K = 100


class SpotCheckIn(Schema):
    manager_id = fields.Integer(required=True)
    start = fields.Date(required=True, metadata={"description": "first day of the period (local date)"})
    end = fields.Date(required=True, metadata={"description": "last day of the period (local date), inclusive"})
    k = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_K))
    seed = fields.Integer(
        validate=validate.Range(min=0, max=SEED_BOUND - 1),
        metadata={"description": "the draw's seed; generated (and kept) when left out"},
    )


class SpotCheckQuery(PageArgs):
    manager_id = fields.Integer()


class StateCounts(Schema):
    pending = fields.Integer()
    confirmed = fields.Integer()
    denied = fields.Integer()
    unreachable = fields.Integer()


class SpotCheckOut(Schema):
    id = fields.Integer()
    branch_id = fields.Integer()
    manager = fields.Nested(StaffBrief)
    drawn_by = fields.Nested(StaffBrief)
    start = fields.Date()
    end = fields.Date()
    k = fields.Integer(metadata={"description": "visits asked for"})
    seed = fields.Integer()
    candidate_count = fields.Integer(metadata={"description": "visits the draw was made from"})
    drawn_count = fields.Integer(metadata={"description": "min(k, candidate_count)"})
    drawn_at = fields.DateTime()
    counts = fields.Nested(StateCounts)


class DrawnVisitOut(Schema):
    visit_id = fields.Integer()
    customer_id = fields.Integer()
    channel = fields.String()
    started_at = fields.DateTime()
    survey_run_id = fields.Integer()
    run_state = fields.String()
    state = fields.String(metadata={"enum": list(STATES)})
    edited = fields.Boolean(metadata={"description": "the visit was changed after it was logged"})
    audit = fields.List(fields.Nested(AuditEntryOut), metadata={"description": "its changes, newest first"})


class SpotCheckDetail(SpotCheckOut):
    candidate_ids = fields.List(
        fields.Integer(),
        metadata={"description": "ids ascending: random.Random(seed).sample(candidate_ids, drawn_count) replays it"},
    )
    visits = fields.List(fields.Nested(DrawnVisitOut))
