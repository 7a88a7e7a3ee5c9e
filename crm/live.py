"""Server-pushed events for one staff member (the desk's softphone and screen pop), without polling.

``publish(staff_id, kind, data)`` sends an event to every open ``listen(staff_id)`` of that person.
With ``REDIS_URL`` set (production: several web processes) the events go through Redis pub/sub on the
queue's connection; otherwise (embedded mode, tests) through an in-process hub. Payloads are ids and
flags only: never phone numbers or names (they would end up in browser dev tools and proxies).

``publish_after_commit(session, …)`` holds an event until ``session`` commits, so a browser never
hears of a row (a ring, a call) before it can be read; a rollback drops it.
"""

import json
import queue
import threading
import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.extensions import queues

EXTENSION = "kefu.live"
CHANNEL = "kefu:live:{}"
PENDING = "kefu_live_pending"
# One stream lasts this long (EventSource reconnects), with a comment line this often.
STREAM_SECONDS = 55
HEARTBEAT_SECONDS = 15


class LocalHub:
    """Subscribers of this process: one queue per open listener."""

    def __init__(self):
        self.lock = threading.Lock()
        self.listeners = {}

    def publish(self, staff_id, message):
        with self.lock:
            targets = list(self.listeners.get(staff_id, ()))
        for target in targets:
            target.put(message)

    def subscribe(self, staff_id):
        inbox = queue.Queue()
        with self.lock:
            self.listeners.setdefault(staff_id, set()).add(inbox)
        return inbox

    def unsubscribe(self, staff_id, inbox):
        with self.lock:
            self.listeners.get(staff_id, set()).discard(inbox)

    def receive(self, inbox, timeout):
        try:
            return inbox.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None


class RedisHub:
    """Redis pub/sub: one channel per staff member, on the queue's connection."""

    def __init__(self, connection):
        self.connection = connection

    def publish(self, staff_id, message):
        self.connection.publish(CHANNEL.format(staff_id), message)

    def subscribe(self, staff_id):
        """Subscribed once Redis confirms it: an event published after this returns is received."""
        pubsub = self.connection.pubsub()
        pubsub.subscribe(CHANNEL.format(staff_id))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.5)
            if message is not None and message["type"] == "subscribe":
                break
        return pubsub

    def unsubscribe(self, staff_id, pubsub):
        pubsub.close()

    def receive(self, pubsub, timeout):
        deadline = time.monotonic() + max(timeout, 0.01)
        while (left := deadline - time.monotonic()) > 0:
            message = pubsub.get_message(timeout=left)
            if message is not None and message["type"] == "message":
                data = message["data"]
                return data.decode() if isinstance(data, bytes) else data
        return None


def hub(app=None):
    """``app``'s hub: Redis when the queues use a real Redis, else this process's own."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = RedisHub(queues.connection) if app.config.get("REDIS_URL") else LocalHub()
        app.extensions[EXTENSION] = found
    return found


def publish(staff_id, kind, data=None, app=None):
    """Send ``kind`` with ``data`` (ids and flags only) to ``staff_id``'s open streams."""
    hub(app).publish(staff_id, json.dumps({"kind": kind, "data": data or {}}))


def listen(staff_id, seconds=STREAM_SECONDS, heartbeat=HEARTBEAT_SECONDS, app=None):
    """Yield ``(kind, data)`` for each event published to ``staff_id``, ``None`` as a heartbeat.

    The first item is a ``None`` once subscribed (events published after it are received); a
    heartbeat follows every ``heartbeat`` seconds of silence, and the stream ends after ``seconds``."""
    source = hub(app)
    inbox = source.subscribe(staff_id)
    try:
        yield None
        end = time.monotonic() + seconds
        beat = time.monotonic() + heartbeat
        while (now := time.monotonic()) < end:
            message = source.receive(inbox, min(end, beat) - now)
            if message is not None:
                decoded = json.loads(message)
                yield decoded["kind"], decoded["data"]
            elif time.monotonic() >= beat:
                beat = time.monotonic() + heartbeat
                yield None
    finally:
        source.unsubscribe(staff_id, inbox)


def publish_after_commit(session, staff_id, kind, data=None):
    """``publish`` once ``session`` commits (dropped on rollback)."""
    app = current_app._get_current_object()
    session.info.setdefault(PENDING, []).append((app, staff_id, kind, data))


@event.listens_for(Session, "after_commit")
def _publish_pending(session):
    for app, staff_id, kind, data in session.info.pop(PENDING, []):
        try:
            publish(staff_id, kind, data, app=app)
        except Exception:  # a lost push never undoes a committed call; the desk still works on reload
            app.logger.exception("live event %s not published", kind)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
