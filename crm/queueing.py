"""The Redis connection and RQ queues: real Redis when ``REDIS_URL`` is set, fakeredis otherwise."""

import threading

import redis
from rq import Queue

QUEUE_NAMES = ("default", "telephony", "reports")


class QueueHandle:
    def __init__(self):
        self._lock = threading.Lock()
        self._connection = None
        self.url = ""

    def init_app(self, app):
        self.url = app.config["REDIS_URL"]
        self._connection = None
        app.extensions["kefu_queues"] = self

    @property
    def connection(self):
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            return self._connection

    def _connect(self):
        if self.url:
            return redis.Redis.from_url(self.url)
        import fakeredis

        return fakeredis.FakeRedis(server=_embedded_server())

    def queue(self, name="default"):
        return Queue(name, connection=self.connection)

    def status(self):
        """For /healthz: reachable or not, and queued / failed counts per queue."""
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            return {"ok": False, "backend": self.backend, "error": str(exc)}
        counts = {}
        for name in QUEUE_NAMES:
            q = self.queue(name)
            counts[name] = {"queued": q.count, "failed": q.failed_job_registry.count}
        return {"ok": True, "backend": self.backend, "queues": counts}

    @property
    def backend(self):
        return "redis" if self.url else "fakeredis"


_server = None
_server_lock = threading.Lock()


def _embedded_server():
    """One fakeredis server per process, shared by the web threads and the in-process worker."""
    global _server
    with _server_lock:
        if _server is None:
            import fakeredis

            _server = fakeredis.FakeServer()
        return _server
