from marshmallow import Schema

from crm.api.schemas import fields


class FailedJobOut(Schema):
    id = fields.String()
    func = fields.String(metadata={"description": "the job's function, module.name"})
    error = fields.String(allow_none=True, metadata={"description": "last line of the exception"})
    failed_at = fields.DateTime(allow_none=True)
    enqueued_at = fields.DateTime(allow_none=True)
    retries_left = fields.Integer()


class QueueFailuresOut(Schema):
    queue = fields.String()
    failed = fields.Integer(metadata={"description": "jobs in the queue's failed registry"})
    jobs = fields.List(fields.Nested(FailedJobOut), metadata={"description": "the latest failed jobs, newest first"})


class HeartbeatOut(Schema):
    last_heartbeat = fields.DateTime(allow_none=True, metadata={"description": "null: the scheduler never ran"})
    age_seconds = fields.Integer(allow_none=True)
    max_age_seconds = fields.Integer()
    too_old = fields.Boolean()


class OverdueStepsOut(Schema):
    oldest_due_at = fields.DateTime(allow_none=True, metadata={"description": "the oldest step not taken on time"})
    count = fields.Integer(metadata={"description": "escalation steps whose time has passed, not taken yet"})
    age_seconds = fields.Integer(allow_none=True)
    max_age_seconds = fields.Integer()
    too_old = fields.Boolean()


class LadderOut(Schema):
    ok = fields.Boolean(metadata={"description": "false when /healthz answers 503 for the ladder"})
    problems = fields.List(fields.String())
    scheduler = fields.Nested(HeartbeatOut)
    overdue_steps = fields.Nested(OverdueStepsOut)


class FailedJobsOut(Schema):
    ladder = fields.Nested(LadderOut, metadata={"description": "the scheduler's heartbeat and overdue steps"})
    workers = fields.Integer(allow_none=True, metadata={"description": "workers registered; null: Redis down"})
    queues = fields.List(fields.Nested(QueueFailuresOut))


class RetriedJobOut(Schema):
    queue = fields.String()
    id = fields.String()
    status = fields.String(metadata={"description": "the job's RQ status now: queued"})
