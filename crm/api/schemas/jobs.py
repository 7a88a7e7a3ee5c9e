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


class FailedJobsOut(Schema):
    queues = fields.List(fields.Nested(QueueFailuresOut))
