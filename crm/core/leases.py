"""Claiming owed rows under a lease, so that many workers share them and a lost worker loses nothing.

A row that a worker must act on (a call to place, a message to send) carries ``attempts`` and
``claimed_until``. A worker claims a batch: it selects the ids of claimable rows ``FOR UPDATE SKIP
LOCKED`` (PostgreSQL; SQLite serialises writers anyway), then takes them with one conditional
``UPDATE … SET attempts = attempts + 1, claimed_until = at + lease … RETURNING``. A claim never
confirmed runs out with its lease and a later worker takes the row again.
"""

from sqlalchemy import select, update


def claim_batch(session, model, claimable, at, lease, limit, order_by, selecting=None):
    """(id, attempt) of the rows of ``model`` this worker now holds until ``at + lease``, in id order.

    ``claimable`` is the condition that makes a row free to take (checked again by the update, so a
    row another worker took in between is left alone); ``selecting`` narrows the selection only.
    """
    condition = claimable if selecting is None else claimable & selecting
    ids = session.scalars(
        select(model.id).where(condition).order_by(*order_by).limit(limit).with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return []
    stmt = (
        update(model)
        .where(model.id.in_(ids), claimable)
        .values(attempts=model.attempts + 1, claimed_until=at + lease)
        .returning(model.id, model.attempts)
        .execution_options(synchronize_session=False)
    )
    return sorted(tuple(row) for row in session.execute(stmt))
