"""The incoming call's writes in one statement (issue 13: the webhooks near their floor).

A new inbound call writes three rows: the webhook receipt (the TwiML answered to this delivery, so
a retry gets it back and changes nothing — ``telephony.security``), the call and its first event.
On PostgreSQL that is one statement of data-modifying CTEs, each step inserting only when the
one before it did::

    WITH receipt AS (INSERT INTO webhook_receipts … ON CONFLICT DO NOTHING RETURNING id),
         call AS (INSERT INTO calls … SELECT … FROM receipt ON CONFLICT DO NOTHING RETURNING id),
         event AS (INSERT INTO call_events … SELECT … FROM call ON CONFLICT DO NOTHING RETURNING id)
    SELECT (SELECT count(*) FROM receipt), (SELECT id FROM call), (SELECT count(*) FROM event)

A receipt already there is a repeat: nothing is written. A call already there (a status callback
that came first) is completed by ``call_log`` as any later step would: its empty columns filled,
the event written once. SQLite has no data-modifying CTEs: there the same rows are written one
statement after the other, with the same outcome.
"""

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql

from crm.core.bulk import insert_or_skip
from crm.models import Call, CallEvent, WebhookReceipt
from crm.services.calls import call_log

STEP = "incoming"


def log_new_call(session, receipt_key, response, sid, at, facts, detail):
    """Store ``response`` under ``receipt_key`` and log the inbound call ``sid`` (its columns ``facts``)
    with its first event (``detail``) at ``at``. The call's id, or None when the receipt was stored
    already (a repeated delivery: nothing written)."""
    receipt = {"key": receipt_key, "response": response, "received_at": at}
    call = {"sid": sid, "direction": "inbound", "started_at": at, **_given(facts)}
    event = {"kind": STEP, "at": at, "detail": detail or None, "dedupe_key": f"{sid}:{STEP}"}
    if session.get_bind().dialect.name == "postgresql":
        stored, call_id, _ = session.execute(_in_one_statement(receipt, call, event)).one()
        if not stored:
            return None
        if call_id is not None:
            return call_id
    elif not _stored_now(session, receipt):
        return None
    logged = call_log.record_new_call(session, sid, "inbound", **facts)
    call_log.record_event(session, logged, STEP, at=at, **detail)
    return logged.id


def _stored_now(session, receipt):
    """Whether ``receipt`` was inserted now (not there already): one ``INSERT … ON CONFLICT DO NOTHING``."""
    stmt = insert_or_skip(session, WebhookReceipt, ["key"], WebhookReceipt.id).values(**receipt)
    return session.scalars(stmt).first() is not None


def _given(values):
    return {name: value for name, value in values.items() if value is not None}


def _literals(model, values):
    """``values`` and the fixed defaults of ``model``'s other columns (``Call.status``) as typed literals: the
    SELECT list feeding an ``INSERT … SELECT`` in a CTE, where SQLAlchemy fills no defaults itself."""
    columns = model.__table__.c
    defaults = {
        column.name: column.default.arg
        for column in columns
        if column.default is not None and column.default.is_scalar and column.name not in values
    }
    return [literal(value, columns[name].type).label(name) for name, value in {**values, **defaults}.items()]


def _insert_from(model, source, values, conflict, leading=()):
    """``INSERT INTO model … SELECT leading, values FROM source ON CONFLICT (conflict) DO NOTHING
    RETURNING id``: a row only for each row ``source`` returned."""
    columns = [*leading, *_literals(model, values)]
    rows = select(*columns).select_from(source)
    return (
        postgresql.insert(model)
        .from_select([column.name for column in columns], rows, include_defaults=False)
        .on_conflict_do_nothing(index_elements=[conflict])
        .returning(model.id)
    )


def _in_one_statement(receipt, call, event):
    receipt_cte = (
        postgresql.insert(WebhookReceipt)
        .values(**receipt)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(WebhookReceipt.id)
        .cte("receipt")
    )
    call_cte = _insert_from(Call, receipt_cte, call, "sid").cte("call")
    event_cte = _insert_from(CallEvent, call_cte, event, "dedupe_key", [call_cte.c.id.label("call_id")]).cte("event")
    return select(
        select(func.count()).select_from(receipt_cte).scalar_subquery(),
        select(call_cte.c.id).scalar_subquery(),
        # Referenced so that it is rendered (PostgreSQL runs every data-modifying CTE once rendered).
        select(func.count()).select_from(event_cte).scalar_subquery(),
    )
