"""The incoming call's writes in one statement (issue 13: the webhooks near their floor).

A new inbound call writes three rows: the webhook receipt (the TwiML answered to this delivery, so
a retry gets it back and changes nothing — ``telephony.security``), the call and its first event.
On PostgreSQL that is one statement of data-modifying CTEs, each step writing only when the one
before it did::

    WITH receipt AS (INSERT INTO webhook_receipts … ON CONFLICT DO NOTHING RETURNING id),
         call AS (INSERT INTO calls … SELECT … FROM receipt
                  ON CONFLICT (sid) DO UPDATE SET <each fact> = COALESCE(calls.<fact>, EXCLUDED.<fact>)
                  RETURNING id),
         event AS (INSERT INTO call_events … SELECT … FROM call ON CONFLICT DO NOTHING RETURNING id)
    SELECT (SELECT count(*) FROM receipt), (SELECT id FROM call), (SELECT count(*) FROM event)

A receipt already there is a repeat: nothing is written. A call already there (a status callback
that came first) gets its empty columns filled, as ``call_log.record_call`` fills them, and its
first event once. One statement is atomic on its own: the incoming webhook needs no transaction
around it (``telephony.security`` runs it in autocommit). SQLite has no data-modifying CTEs: there
the same rows are written one statement after the other, in the request's transaction, with the
same outcome.
"""

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.dialects import postgresql

from crm.core.bulk import insert_or_skip
from crm.models import Call, CallEvent, WebhookReceipt
from crm.services.calls import call_log

STEP = "incoming"
# The call's columns the incoming step knows (None when it does not).
FACTS = ("from_number", "to_number", "line", "branch_id", "customer_id")


def log_new_call(session, receipt_key, response, sid, at, facts, detail):
    """Store ``response`` under ``receipt_key`` and log the inbound call ``sid`` (``facts``: its ``FACTS``)
    with its first event (``detail``) at ``at``. The call's id, or None when the receipt was stored
    already (a repeated delivery: nothing written)."""
    receipt = {"key": receipt_key, "response": response, "received_at": at}
    call = {"sid": sid, "direction": "inbound", "started_at": at, **{name: facts.get(name) for name in FACTS}}
    event = {"kind": STEP, "at": at, "detail": detail or None, "dedupe_key": f"{sid}:{STEP}"}
    if session.get_bind().dialect.name == "postgresql":
        params = {**_named("receipt", receipt), **_named("call", call), **_named("event", event)}
        # Through the connection, like ``ivr.caller``: the statement returns three numbers, no ORM rows.
        stored, call_id, _ = session.connection().execute(ONE_STATEMENT, params).one()
        return call_id if stored else None
    if not _stored_now(session, receipt):
        return None
    logged = call_log.record_new_call(session, sid, "inbound", **facts)
    call_log.record_event(session, logged, STEP, at=at, **detail)
    return logged.id


def _stored_now(session, receipt):
    """Whether ``receipt`` was inserted now (not there already): one ``INSERT … ON CONFLICT DO NOTHING``."""
    stmt = insert_or_skip(session, WebhookReceipt, ["key"], WebhookReceipt.id).values(**receipt)
    return session.scalars(stmt).first() is not None


def _named(prefix, values):
    return {f"{prefix}_{name}": value for name, value in values.items()}


def _columns(model, prefix, names):
    """A SELECT list feeding ``INSERT INTO model (names …) SELECT``: each name a typed parameter
    ``<prefix>_<name>``, then the fixed defaults of the model's other columns (``Call.status``), which
    SQLAlchemy fills itself only when the INSERT is the statement, not a CTE."""
    columns = model.__table__.c
    bound = [bindparam(f"{prefix}_{name}", type_=columns[name].type).label(name) for name in names]
    defaults = [
        literal(column.default.arg, column.type).label(column.name)
        for column in columns
        if column.default is not None and column.default.is_scalar and column.name not in names
    ]
    return [*bound, *defaults]


def _insert_from(model, source, columns, conflict, fill=()):
    """``INSERT INTO model … SELECT columns [FROM source] ON CONFLICT (conflict) … RETURNING id``: with a
    ``source``, a row only for each row it returned. On conflict nothing is done, or, with ``fill``, those
    columns of the row already there that are still empty are filled (and its id returned)."""
    rows = select(*columns) if source is None else select(*columns).select_from(source)
    stmt = postgresql.insert(model).from_select([column.name for column in columns], rows, include_defaults=False)
    if fill:
        table = model.__table__
        filled = {name: func.coalesce(table.c[name], stmt.excluded[name]) for name in fill}
        stmt = stmt.on_conflict_do_update(index_elements=[conflict], set_=filled)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=[conflict])
    return stmt.returning(model.id)


def _one_statement():
    """The statement, built once (its parameters are ``<receipt|call|event>_<column>``)."""
    receipt_columns = _columns(WebhookReceipt, "receipt", ("key", "response", "received_at"))
    receipt = _insert_from(WebhookReceipt, None, receipt_columns, "key").cte("receipt")
    call_columns = _columns(Call, "call", ("sid", "direction", "started_at", *FACTS))
    call = _insert_from(Call, receipt, call_columns, "sid", fill=FACTS)
    call = call.cte("call")
    event_columns = [call.c.id.label("call_id"), *_columns(CallEvent, "event", ("kind", "at", "detail", "dedupe_key"))]
    event = _insert_from(CallEvent, call, event_columns, "dedupe_key").cte("event")
    return select(
        select(func.count()).select_from(receipt).scalar_subquery(),
        select(call.c.id).scalar_subquery(),
        # Referenced so that it is rendered (PostgreSQL runs every data-modifying CTE once rendered).
        select(func.count()).select_from(event).scalar_subquery(),
    )


ONE_STATEMENT = _one_statement()
