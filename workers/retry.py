"""The retry policies: of every RQ job (periodic runs and telephony calls alike), and of the processes'
own connection to Redis."""

from rq import Retry

# A run that fails (database restarting, Redis blip, provider time-out) is tried again 10, 30
# and 60 s later, then left in the queue's failed registry for the admins (GET /api/v1/admin/jobs).
BACKOFF = Retry(max=3, interval=[10, 30, 60])

# A scheduler or worker that lost Redis tries again after 1, 2, 4 … seconds, at most 10 s apart, for ever:
# Redis coming back is the only way out of an outage, and a process that gives up needs a human.
REDIS_WAIT_FIRST, REDIS_WAIT_MAX = 1, 10


def redis_waits():
    """The seconds to wait before each new try to reach Redis."""
    wait = REDIS_WAIT_FIRST
    while True:
        yield wait
        wait = min(wait * 2, REDIS_WAIT_MAX)
