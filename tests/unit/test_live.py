"""``crm.live``: events for one staff member, through this process's hub or Redis pub/sub."""

import pytest
import sqlalchemy as sa

from crm import live
from crm.extensions import db as _db
from crm.extensions import queues


def check_hub(hub):
    mine, theirs = hub.subscribe(1), hub.subscribe(2)
    try:
        hub.publish(2, '{"kind": "ringing", "data": {}}')
        hub.publish(1, '{"kind": "connected", "data": {"call_sid": "CA1"}}')
        assert hub.receive(mine, 2) == '{"kind": "connected", "data": {"call_sid": "CA1"}}'
        assert hub.receive(mine, 0.05) is None
        assert hub.receive(theirs, 2) == '{"kind": "ringing", "data": {}}'
    finally:
        hub.unsubscribe(1, mine)
        hub.unsubscribe(2, theirs)


def test_the_in_process_hub_delivers_to_the_person_only():
    check_hub(live.LocalHub())


@pytest.mark.redis
def test_redis_pub_sub_delivers_to_the_person_only(app, queue):
    if queues.backend != "redis":
        pytest.skip("needs the real Redis")
    check_hub(live.RedisHub(queues.connection))


def test_listen_yields_once_subscribed_then_the_events_then_heartbeats_and_ends(app):
    with app.app_context():
        stream = live.listen(7, seconds=0.6, heartbeat=0.2)
        assert next(stream) is None  # subscribed
        live.publish(8, "ringing", {"call_sid": "CA-other"})
        live.publish(7, "ringing", {"call_sid": "CA1", "customer_id": None, "from_known": False})
        assert next(stream) == ("ringing", {"call_sid": "CA1", "customer_id": None, "from_known": False})
        rest = list(stream)
    assert rest and all(item is None for item in rest)  # heartbeats only, then the stream ends


def test_an_event_waits_for_the_commit_and_a_rollback_drops_it(app, db):
    with app.app_context():
        stream = live.listen(9, seconds=0.3, heartbeat=1)
        next(stream)
        _db.session.execute(sa.text("SELECT 1"))
        live.publish_after_commit(_db.session, 9, "ringing", {"call_sid": "CA-rolled-back"})
        _db.session.rollback()
        live.publish_after_commit(_db.session, 9, "ringing", {"call_sid": "CA-committed"})
        assert list(stream) == []
        stream = live.listen(9, seconds=1, heartbeat=5)
        next(stream)
        _db.session.execute(sa.text("SELECT 1"))  # a transaction to commit, as a webhook's writes open
        _db.session.commit()
        assert next(stream) == ("ringing", {"call_sid": "CA-committed"})
