"""The Redis connection and RQ queues: real Redis when ``REDIS_URL`` is set, fakeredis otherwise."""

import threading

import redis
from rq import Queue, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job

QUEUE_NAMES = ("default", "telephony", "reports")
FAILED_SHOWN = 50  # latest failed jobs listed per queue


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
        """For /healthz: reachable or not, the workers registered, and queued / failed counts per queue."""
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            return {"ok": False, "backend": self.backend, "error": str(exc)}
        counts = {}
        for name in QUEUE_NAMES:
            q = self.queue(name)
            counts[name] = {"queued": q.count, "failed": q.failed_job_registry.count}
        workers = Worker.count(connection=self.connection)
        return {"ok": True, "backend": self.backend, "workers": workers, "queues": counts}

    def failed_jobs(self, limit=FAILED_SHOWN):
        """For admins: per queue, how many jobs failed for good and the latest ``limit`` of them.

        A job lands in the failed registry once its retries are spent; its exception's last
        line says what went wrong (the full traceback stays in Redis for ``rq info``).
        """
        listing = []
        for name in QUEUE_NAMES:
            registry = self.queue(name).failed_job_registry
            ids = registry.get_job_ids(0, limit - 1, desc=True)
            jobs = [job for job in Job.fetch_many(ids, connection=self.connection) if job is not None]
            listing.append({"queue": name, "failed": registry.count, "jobs": [_failure(job) for job in jobs]})
        return listing

    def retry_failed(self, queue_name, job_id):
        """Put a job that failed for good back on its queue (fresh, at the back); None when ``queue_name``
        has no such failed job (unknown queue, already retried, or expired from the registry)."""
        if queue_name not in QUEUE_NAMES:
            return None
        registry = self.queue(queue_name).failed_job_registry
        if job_id not in registry.get_job_ids():
            return None
        try:
            return registry.requeue(job_id)
        except (InvalidJobOperation, NoSuchJobError):  # retried meanwhile by another admin, or expired
            return None

    @property
    def backend(self):
        return "redis" if self.url else "fakeredis"


def _failure(job):
    result = job.latest_result()
    lines = (result.exc_string if result and result.exc_string else "").strip().splitlines()
    return {
        "id": job.id,
        "func": job.func_name,
        "error": lines[-1] if lines else None,
        "failed_at": job.ended_at,
        "enqueued_at": job.enqueued_at,
        "retries_left": job.retries_left or 0,
    }


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
